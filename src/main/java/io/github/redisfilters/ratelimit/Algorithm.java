package io.github.redisfilters.ratelimit;

import java.util.Locale;

/** How a policy counts requests. */
public enum Algorithm {
    /** One counter per aligned window ({@code fixed}); resets at the window boundary. */
    FIXED("f", "fixed"),
    /**
     * Exact sliding window ({@code sliding}, alias {@code sliding-log}): a sorted set of admitted
     * hits; never more than {@code limit} hits in any window-length interval. Memory grows with the
     * limit.
     */
    SLIDING_LOG("l", "sliding"),
    /**
     * Sliding-window counter ({@code sliding-counter}): the current and previous aligned windows,
     * the previous one weighted by how much of it still overlaps the sliding window; O(1) memory.
     * Exact within each aligned window; assumes the previous window's hits were evenly spread, so
     * over an arbitrary window-length interval it may admit up to {@code 2 × limit − 1} in the worst
     * case (bursts at a window's very end), about {@code limit} for steady traffic.
     */
    SLIDING_COUNTER("c", "sliding-counter"),
    /**
     * Token bucket ({@code token-bucket}) through Bucket4j's Jedis integration: capacity
     * {@code limit}, refilled greedily at {@code limit} per window. The token-bucket policies of
     * one rule are one bucket per client, one bandwidth each: a request takes a token from all of
     * them or from none.
     */
    TOKEN_BUCKET("t", "token-bucket");

    final String code;
    private final String text;

    Algorithm(String code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The name used in the compact rule syntax and in rules files. */
    public String text() {
        return text;
    }

    /**
     * Parses {@code fixed}, {@code sliding}, {@code sliding-log}, {@code sliding-counter},
     * {@code token-bucket} (case-insensitive, {@code _} allowed for {@code -}).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Algorithm parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        switch (t) {
            case "fixed", "fixed-window" -> { return FIXED; }
            case "sliding", "sliding-log", "sliding-window" -> { return SLIDING_LOG; }
            case "sliding-counter" -> { return SLIDING_COUNTER; }
            case "token-bucket", "bucket" -> { return TOKEN_BUCKET; }
            default -> throw new IllegalArgumentException("unknown algorithm '" + s
                    + "' (expected fixed, sliding, sliding-counter or token-bucket)");
        }
    }
}
