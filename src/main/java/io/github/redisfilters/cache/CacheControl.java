package io.github.redisfilters.cache;

import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Parsed {@code Cache-Control} directives (RFC 9111 §5.2); names lower-cased, values unquoted. */
final class CacheControl {
    static final CacheControl EMPTY = new CacheControl(Map.of());

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    static CacheControl parse(Iterable<String> headerValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : headerValues) {
            parseInto(v, out);
        }
        return out.isEmpty() ? EMPTY : new CacheControl(Collections.unmodifiableMap(out));
    }

    static CacheControl parse(Enumeration<String> values) {
        return values == null || !values.hasMoreElements() ? EMPTY : parse(Collections.list(values));
    }

    private static void parseInto(String value, Map<String, String> out) {
        if (value == null) {
            return;
        }
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && (value.charAt(i) == ',' || value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < n && value.charAt(i) != '=' && value.charAt(i) != ',') {
                i++;
            }
            String name = value.substring(start, i).trim().toLowerCase(Locale.ROOT);
            String arg = "";
            if (i < n && value.charAt(i) == '=') {
                i++;
                if (i < n && value.charAt(i) == '"') {
                    int end = value.indexOf('"', i + 1);
                    end = end < 0 ? n : end;
                    arg = value.substring(i + 1, end);
                    i = Math.min(n, end + 1);
                    while (i < n && value.charAt(i) != ',') {
                        i++;
                    }
                } else {
                    int s = i;
                    while (i < n && value.charAt(i) != ',') {
                        i++;
                    }
                    arg = value.substring(s, i).trim();
                }
            }
            // a repeated directive is invalid (RFC 9111 §4.2.1); the first occurrence is kept
            if (!name.isEmpty()) {
                out.putIfAbsent(name, arg);
            }
        }
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    String value(String directive) {
        return directives.get(directive);
    }

    /**
     * Delta-seconds value, -1 when absent; an invalid value yields 0 (RFC 9111 §1.2.2: treat an
     * invalid freshness value as stale rather than guessing).
     */
    long seconds(String directive) {
        String v = directives.get(directive);
        if (v == null) {
            return -1;
        }
        String t = v.trim();
        if (!t.matches("[0-9]+")) {
            return 0; // also "+5" and "-5", which Long.parseLong would take
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    boolean isEmpty() {
        return directives.isEmpty();
    }

    @Override
    public String toString() {
        return directives.toString();
    }
}
