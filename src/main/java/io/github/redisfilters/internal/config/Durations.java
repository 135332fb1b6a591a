package io.github.redisfilters.internal.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration syntax used in every init-param: {@code 500ms}, {@code 30s}, {@code 15m},
 * {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT15M}).
 */
public final class Durations {
    /** The expected form, quoted in error messages. */
    public static final String FORM = "a duration such as 500ms, 30s, 15m, 2h, 1d or ISO-8601 PT15M";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException if it is not in one of the accepted forms
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                default: return Duration.ofDays(n);
            }
        }
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not " + FORM, e);
            }
        }
        throw new IllegalArgumentException("not " + FORM);
    }

    /**
     * Returns {@code d} when it lies from {@code min} to {@code max} (inclusive).
     *
     * @param name the setting, named in the error
     * @throws IllegalArgumentException naming the setting, the range and the value otherwise
     */
    public static Duration check(String name, Duration d, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be from " + format(min) + " to " + format(max)
                    + " but was " + (d == null ? "null" : format(d)));
        }
        return d;
    }

    /**
     * Formats a duration in the shortest exact short form, e.g. {@code 15m} or {@code 1500ms}
     * (ISO-8601 when it does not fit in milliseconds).
     */
    public static String format(Duration d) {
        if (d.getSeconds() >= Long.MAX_VALUE / 1000 - 1 || d.getSeconds() <= Long.MIN_VALUE / 1000 + 1) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms != 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms != 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms != 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
