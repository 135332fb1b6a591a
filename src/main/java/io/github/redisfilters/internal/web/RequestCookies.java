package io.github.redisfilters.internal.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * Reads cookie pairs straight from the request's {@code Cookie} headers (RFC 6265 §4.2.1:
 * {@code name=value} pairs separated by {@code ;}), without building the container's
 * {@code Cookie} objects: the filters look for one or two names on every request, and
 * {@code getCookies()} parses, validates and copies every cookie the browser sends. Lenient as
 * browsers are: whitespace around names and values is ignored, a value in double quotes is
 * unquoted, a pair without {@code =} is skipped. Values are returned as sent; callers validate
 * them (a session id must be well formed).
 */
public final class RequestCookies {
    /** Gets each cookie pair in order; returns false to stop. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(String name, String value);
    }

    private RequestCookies() {
    }

    /** Calls {@code visitor} for every cookie pair of every {@code Cookie} header, in order, until it returns false. */
    public static void forEach(HttpServletRequest request, Visitor visitor) {
        Enumeration<String> headers = request.getHeaders("Cookie");
        if (headers == null) {
            return;
        }
        while (headers.hasMoreElements()) {
            String h = headers.nextElement();
            if (h != null && !visitPairs(h, visitor)) {
                return;
            }
        }
    }

    /** Whether any pair is named {@code name} (case-sensitive, as cookie names are). */
    public static boolean has(HttpServletRequest request, java.util.Collection<String> names) {
        boolean[] found = {false};
        forEach(request, (n, v) -> !(found[0] = names.contains(n)));
        return found[0];
    }

    /** False when the visitor stopped. */
    static boolean visitPairs(String header, Visitor visitor) {
        int n = header.length();
        int i = 0;
        while (i < n) {
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            if (eq > i && eq < end) {
                int ns = skipSpace(header, i, eq);
                int ne = trimEnd(header, ns, eq);
                int vs = skipSpace(header, eq + 1, end);
                int ve = trimEnd(header, vs, end);
                if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
                    vs++;
                    ve--;
                }
                if (ne > ns && !visitor.visit(header.substring(ns, ne), header.substring(vs, ve))) {
                    return false;
                }
            }
            i = end + 1;
        }
        return true;
    }

    private static int skipSpace(String s, int from, int to) {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimEnd(String s, int from, int to) {
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return to;
    }
}
