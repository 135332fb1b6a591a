package io.github.redisfilters.internal.config;

import io.github.redisfilters.config.CidrRange;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.config.PathPattern;
import jakarta.servlet.FilterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one init-parameter reader every filter and listener uses. It rejects unknown parameter
 * names, converts values to typed results, and turns every problem into a {@link ConfigException}
 * that names the component, the parameter, the bad value and the expected form. Blank values
 * count as absent. It never falls back to a default for a value it could not read.
 */
public final class InitParams {
    private final String component;
    private final Map<String, String> values;

    private InitParams(String component, Map<String, String> values) {
        this.component = component;
        this.values = values;
    }

    /**
     * Reads the init-params of a filter, rejecting names not in {@code known}.
     *
     * @param known every parameter name the filter understands (including shared client ones)
     */
    public static InitParams of(FilterConfig filterConfig, Collection<String> known) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        Enumeration<String> names = filterConfig.getInitParameterNames();
        while (names != null && names.hasMoreElements()) {
            String n = names.nextElement();
            values.put(n, filterConfig.getInitParameter(n));
        }
        String component = "filter '" + filterConfig.getFilterName() + "'";
        return of(component, values, known);
    }

    /** Reads parameters from a map, for components that are not filters (listeners, tests). */
    public static InitParams of(String component, Map<String, String> values, Collection<String> known)
            throws ConfigException {
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new ConfigException(component + ": unknown parameter '" + e.getKey() + "'"
                        + suggestion(e.getKey(), known) + "; known parameters are " + new TreeSet<>(known));
            }
            String v = e.getValue() == null ? null : e.getValue().trim();
            if (v != null && !v.isEmpty()) {
                copy.put(e.getKey(), v);
            }
        }
        return new InitParams(component, Collections.unmodifiableMap(copy));
    }

    /** The component named in error messages, e.g. {@code filter 'rateLimit'}. */
    public String component() {
        return component;
    }

    /** The trimmed raw value, empty when absent or blank. */
    public Optional<String> raw(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Names of the parameters that were given (non-blank). */
    public Set<String> names() {
        return values.keySet();
    }

    /** The trimmed value, {@code def} when absent or blank. */
    public String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /** An integer from {@code min} to {@code max}, {@code def} when absent (prefer {@link #apply} with {@link #INTEGER}). */
    public int integer(String name, int def, int min, int max) throws ConfigException {
        String expected = "an integer from " + min + " to " + max;
        return get(name, def, expected, s -> {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException();
            }
            return v;
        });
    }

    /** A long from {@code min} to {@code max}, {@code def} when absent (prefer {@link #apply} with {@link #LONG}). */
    public long longValue(String name, long def, long min, long max) throws ConfigException {
        String expected = "an integer from " + min + " to " + max;
        return get(name, def, expected, s -> {
            long v = Long.parseLong(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException();
            }
            return v;
        });
    }

    /** Only {@code true} or {@code false} (any case) are accepted. */
    public boolean bool(String name, boolean def) throws ConfigException {
        return get(name, def, "true or false", s -> {
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
            throw new IllegalArgumentException();
        });
    }

    /** Case-insensitive; {@code -} and {@code _} are interchangeable ({@code fail-open} = {@code FAIL_OPEN}). */
    public <E extends Enum<E>> E enumValue(String name, Class<E> type, E def) throws ConfigException {
        List<String> options = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            options.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return get(name, def, "one of " + String.join(", ", options),
                s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_')));
    }

    /** A duration ({@link Durations#FORM}) of at least {@code min}. */
    public Duration duration(String name, Duration def, Duration min) throws ConfigException {
        String expected = Durations.FORM + " of at least " + Durations.format(min);
        return get(name, def, expected, s -> {
            Duration d = quiet(() -> Durations.parse(s));
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException();
            }
            return d;
        });
    }

    /** A duration ({@link Durations#FORM}) from {@code min} to {@code max}. */
    public Duration duration(String name, Duration def, Duration min, Duration max) throws ConfigException {
        String expected = Durations.FORM + " from " + Durations.format(min) + " to " + Durations.format(max);
        return get(name, def, expected, s -> {
            Duration d = quiet(() -> Durations.parse(s));
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException();
            }
            return d;
        });
    }

    /** A byte size ({@link Sizes#FORM}) between {@code min} and {@code max}. */
    public long size(String name, long def, long min, long max) throws ConfigException {
        return get(name, def, Sizes.FORM + " between " + min + " and " + max + " bytes", s -> {
            long v = quiet(() -> Sizes.parse(s));
            if (v < min || v > max) {
                throw new IllegalArgumentException();
            }
            return v;
        });
    }

    /** Runs a parser whose own message would only repeat the expected form. */
    private static <T> T quiet(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException();
        }
    }

    /** Comma- or whitespace-separated list; empty list when absent. */
    public List<String> list(String name) {
        String v = values.get(name);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : v.split("[,\\s]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /** Comma/whitespace-separated CIDR ranges or addresses. */
    public List<CidrRange> cidrs(String name, List<CidrRange> def) throws ConfigException {
        if (!values.containsKey(name)) {
            return def;
        }
        List<CidrRange> out = new ArrayList<>();
        for (String s : list(name)) {
            try {
                out.add(CidrRange.parse(s));
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(component, name, s, "an IP address or CIDR range such as 10.0.0.0/8 or ::1");
            }
        }
        return List.copyOf(out);
    }

    /** Comma/whitespace-separated path patterns ({@link PathPattern#FORM}). */
    public List<PathPattern> paths(String name, List<PathPattern> def) throws ConfigException {
        if (!values.containsKey(name)) {
            return def;
        }
        List<PathPattern> out = new ArrayList<>();
        for (String s : list(name)) {
            try {
                out.add(PathPattern.parse(s));
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(component, name, s, PathPattern.FORM);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Reads a value with a custom parser; the parser signals a bad value by throwing any runtime
     * exception, whose message (if any) is appended to the error.
     */
    public <T> T get(String name, T def, String expected, Function<String, T> parser) throws ConfigException {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            return parser.apply(v);
        } catch (RuntimeException e) {
            String why = e.getMessage() != null && !(e instanceof NumberFormatException) ? " (" + e.getMessage() + ")" : "";
            throw ConfigException.invalid(component, name, v, expected + why);
        }
    }

    /**
     * How a raw init-param value is read, before any range check: the form named in errors and
     * the parser. Ranges are NOT part of a form: they live in the builder setter the value is
     * handed to (see {@link #apply}), so web.xml, annotations and code share one set of limits.
     */
    public interface Form<T> {
        /** The expected form, e.g. {@code an integer}; quoted in errors. */
        String describe();

        /** Parses the trimmed value; any runtime exception means "not of this form". */
        T parse(String raw);

        /** A form from a description and a parser. */
        static <T> Form<T> of(String describe, Function<String, T> parser) {
            return new Form<>() {
                @Override
                public String describe() {
                    return describe;
                }

                @Override
                public T parse(String raw) {
                    return parser.apply(raw);
                }
            };
        }
    }

    /** A duration ({@link Durations#FORM}). */
    public static final Form<Duration> DURATION = Form.of(Durations.FORM, Durations::parse);
    /** A byte size ({@link Sizes#FORM}). */
    public static final Form<Long> SIZE = Form.of(Sizes.FORM, Sizes::parse);
    /** An integer written with ASCII digits and an optional leading minus. */
    public static final Form<Integer> INTEGER = Form.of("an integer", s -> Integer.parseInt(asciiInteger(s)));
    /** A long written with ASCII digits and an optional leading minus. */
    public static final Form<Long> LONG = Form.of("an integer", s -> Long.parseLong(asciiInteger(s)));
    /** {@code true} or {@code false}, any case. */
    public static final Form<Boolean> BOOLEAN = Form.of("true or false", s -> {
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException();
    });
    /** The trimmed text as it is. */
    public static final Form<String> STRING = Form.of("a text", s -> s);

    /** An enum constant, case-insensitive, {@code -} and {@code _} interchangeable. */
    public static <E extends Enum<E>> Form<E> enumForm(Class<E> type) {
        List<String> options = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            options.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return Form.of("one of " + String.join(", ", options),
                s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_')));
    }

    private static String asciiInteger(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-' && s.length() > 1)) {
                throw new IllegalArgumentException();
            }
        }
        return s;
    }

    /**
     * Reads {@code name} in {@code form} and hands it to {@code setter} (a builder setter, which
     * is the one place the value's limits are checked). Absent or blank: the setter is not called
     * and the builder keeps its default. A value not of the form, or one the setter refuses with
     * an {@link IllegalArgumentException}, becomes a {@link ConfigException} naming the component,
     * the parameter and the value, followed by the expected form or the setter's own message
     * (which therefore says what is allowed: {@code clockSkew must be from 0s to 1h but was 2h}).
     *
     * @return this reader, for chaining
     */
    public <T> InitParams apply(String name, Form<T> form, Consumer<? super T> setter) throws ConfigException {
        String v = values.get(name);
        if (v == null) {
            return this;
        }
        T parsed;
        try {
            parsed = form.parse(v);
        } catch (RuntimeException e) {
            String why = e.getMessage() != null && !(e instanceof NumberFormatException) && !form.describe().equals(e.getMessage())
                    && !e.getMessage().startsWith("not " + form.describe()) ? " (" + e.getMessage() + ")" : "";
            throw ConfigException.invalid(component, name, v, form.describe() + why);
        }
        try {
            setter.accept(parsed);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(component + ": parameter '" + name + "' has invalid value '" + v + "': "
                    + e.getMessage(), e);
        }
        return this;
    }

    /** An error about {@code name} that this reader did not detect itself. */
    public ConfigException invalid(String name, String expected) {
        return ConfigException.invalid(component, name, values.getOrDefault(name, ""), expected);
    }

    /**
     * Runs a builder's {@code build()} (or any validating step) and turns its
     * {@link IllegalArgumentException} or {@link IllegalStateException} into a {@link ConfigException}
     * that names this component.
     */
    public <T> T validate(Supplier<T> step) throws ConfigException {
        try {
            return step.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigException(component + ": " + e.getMessage(), e);
        }
    }

    private static String suggestion(String name, Collection<String> known) {
        String best = nearest(name, known);
        return best == null || distance(name.toLowerCase(Locale.ROOT), best.toLowerCase(Locale.ROOT)) > TYPO_DISTANCE
                ? "" : " (did you mean '" + best + "'?)";
    }

    /** Edits (case ignored) up to which an unknown name is taken for a misspelling of a known one. */
    public static final int TYPO_DISTANCE = 2;

    /**
     * The known name closest to {@code name} (edit distance, case ignored; ties go to the
     * alphabetically first), or null when {@code known} is empty.
     */
    public static String nearest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : new TreeSet<>(known)) {
            int d = distance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    /** True when {@code name} is at most {@link #TYPO_DISTANCE} edits (case ignored) from {@code known}. */
    public static boolean isTypoOf(String name, String known) {
        return distance(name.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT)) <= TYPO_DISTANCE;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
