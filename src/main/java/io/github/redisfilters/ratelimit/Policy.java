package io.github.redisfilters.ratelimit;

import io.github.redisfilters.internal.config.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * One limit: at most {@code limit} requests per {@code window}, counted with {@code algorithm}.
 *
 * @param name      shown in headers ({@code RateLimit-Policy}), 429 bodies, metrics and Redis keys;
 *                  letters, digits, {@code - _ .}
 * @param limit     requests per window, 1 to 1,000,000,000
 * @param window    window length, 1 ms to 366 days (whole milliseconds)
 * @param algorithm how hits are counted
 */
public record Policy(String name, long limit, Duration window, Algorithm algorithm) {
    public Policy {
        Objects.requireNonNull(algorithm, "algorithm");
        if (name == null || !name.matches("[A-Za-z0-9_.\\-]{1,64}")) {
            throw new IllegalArgumentException("policy name '" + name
                    + "' must be 1-64 letters, digits, '-', '_' or '.'");
        }
        checkLimit(name, limit);
        checkWindow(name, window);
    }

    /** The one check of a limit (compact rules, rules file, builder and {@code @RateLimit}). */
    static long checkLimit(String name, long limit) {
        if (limit < 1 || limit > 1_000_000_000L) {
            throw new IllegalArgumentException("policy '" + name + "': limit " + limit + " must be from 1 to 1000000000");
        }
        return limit;
    }

    /** The one check of a window (compact rules, rules file, builder and {@code @RateLimit}). */
    static Duration checkWindow(String name, Duration window) {
        if (window == null || window.compareTo(Duration.ofDays(366)) > 0 || window.toMillis() < 1) { // toMillis overflows past 292 million years
            String shown = window == null ? "null" : window.getNano() % 1_000_000 == 0 ? Durations.format(window) : window.toString();
            throw new IllegalArgumentException("policy '" + name + "': window " + shown + " must be from 1ms to 366d");
        }
        return window;
    }

    /** Window in whole seconds, rounded up (the {@code w} of {@code RateLimit-Policy}). */
    public long windowSeconds() {
        return Math.max(1, (window.toMillis() + 999) / 1000);
    }
}
