package io.github.redisfilters.internal.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes: {@code 512}, {@code 512B}, {@code 64KB}, {@code 1MB}, {@code 1GB} (binary multiples). */
public final class Sizes {
    /** The expected form, quoted in error messages. */
    public static final String FORM = "a size such as 512B, 64KB or 1MB";

    private static final Pattern P = Pattern.compile("(\\d{1,12})\\s*(b|kb|k|mb|m|gb|g)?");

    private Sizes() {
    }

    /**
     * Parses {@code text} into bytes.
     *
     * @throws IllegalArgumentException if it is not a size or overflows a long
     */
    public static long parse(String text) {
        Matcher m = P.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not " + FORM);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long mult = switch (unit) {
            case "kb", "k" -> 1024L;
            case "mb", "m" -> 1024L * 1024L;
            case "gb", "g" -> 1024L * 1024L * 1024L;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(n, mult);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not " + FORM + ": '" + text.trim() + "' overflows a long");
        }
    }
}
