package io.github.redisfilters.cache;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reading request and response header values the way the cache keys and policy need them. */
final class RequestHeaders {
    private RequestHeaders() {
    }

    /** The named (lower-case) request headers, absent ones as "" exactly as the scripts treat them. */
    static Map<String, String> varyInputs(HttpServletRequest req, List<String> names) {
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        for (String name : names) {
            Enumeration<String> values = req.getHeaders(name);
            String joined = null;
            while (values != null && values.hasMoreElements()) {
                String v = values.nextElement().trim();
                joined = joined == null ? v : joined + ", " + v;
            }
            out.put(name, joined == null ? "" : joined);
        }
        return out;
    }

    /** Lower-case request header names to their values joined with ", " (RFC 9110 §5.3), the Vary inputs. */
    static Map<String, String> varyInputs(HttpServletRequest req) {
        Map<String, String> out = new TreeMap<>();
        Enumeration<String> names = req.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            String lower = name.toLowerCase(Locale.ROOT);
            Enumeration<String> values = req.getHeaders(name);
            String joined = null;
            while (values.hasMoreElements()) {
                String v = values.nextElement().trim();
                joined = joined == null ? v : joined + ", " + v;
            }
            out.merge(lower, joined == null ? "" : joined, (a, b) -> a + ", " + b);
        }
        return out;
    }

    /** Lower-case, sorted, de-duplicated field names of the Vary header values. */
    static List<String> varyNames(List<String> varyHeaders) {
        Set<String> names = new java.util.TreeSet<>();
        for (String v : varyHeaders) {
            for (String n : v.split(",")) {
                String name = n.trim(); // also drops control characters, which isBlank() keeps
                if (!name.isEmpty()) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.copyOf(names);
    }

    static boolean containsToken(Enumeration<String> values, String token) {
        if (values == null) {
            return false;
        }
        while (values.hasMoreElements()) {
            for (String t : values.nextElement().split(",")) {
                if (t.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The values of a request header, an empty list when it is absent (most requests: no list built). */
    static List<String> values(HttpServletRequest req, String name) {
        return req.getHeader(name) == null ? List.of() : Collections.list(req.getHeaders(name));
    }
}
