package io.github.redisfilters.config;

/**
 * A request-path pattern, matched against the path inside the web application (the request URI
 * without the context path, as {@code servletPath + pathInfo}).
 *
 * <ul>
 *   <li>exact: {@code /api/auth/login}</li>
 *   <li>servlet prefix: {@code /api/*} matches {@code /api} and everything below it</li>
 *   <li>extension: {@code *.json}</li>
 *   <li>glob: {@code /api/**} matches {@code /api} and everything below it; {@code *} matches
 *       within one path segment ({@code /api/products/*}/reviews); {@code /**} or {@code /*} match
 *       every path</li>
 * </ul>
 */
public final class PathPattern {
    /** The expected form, quoted in error messages. */
    public static final String FORM = "a path pattern such as /api/auth/login, /api/*, /api/**, /api/*/items or *.json";

    private static final String STAR = "*";
    private static final String DOUBLE_STAR = "**";

    private final String text;
    private final int specificity;
    /** Null for a catch-all or an extension pattern; else literals, {@link #STAR} and {@link #DOUBLE_STAR}. */
    private final String[] parts;
    /** For an extension pattern: the suffix such as {@code .json}. */
    private final String suffix;
    /** True when the pattern ends in {@code /*} or {@code /**}: the path itself and everything below. */
    private final boolean subtree;

    private PathPattern(String text, int specificity, String[] parts, String suffix, boolean subtree) {
        this.text = text;
        this.specificity = specificity;
        this.parts = parts;
        this.suffix = suffix;
        this.subtree = subtree;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException when it is not one of the documented forms
     */
    public static PathPattern parse(String pattern) {
        String p = pattern == null ? "" : pattern.trim();
        if (p.startsWith("*.") && p.length() > 2 && p.indexOf('/') < 0 && p.indexOf('*', 1) < 0) {
            return new PathPattern(p, 1, null, p.substring(1), false);
        }
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("'" + pattern + "' is not " + FORM);
        }
        if (p.indexOf("***") >= 0 || p.indexOf('?') >= 0 || p.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("'" + pattern + "' is not " + FORM);
        }
        if (p.equals("/") || p.equals("/*") || p.equals("/**")) {
            return new PathPattern(p, 0, null, null, false);
        }
        String body = p;
        boolean subtree = false;
        if (body.endsWith("/**") || body.endsWith("/*")) {
            body = body.substring(0, body.lastIndexOf('/'));
            subtree = true;
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        int i = 0;
        while (i < body.length()) {
            if (body.startsWith(DOUBLE_STAR, i)) {
                parts.add(DOUBLE_STAR);
                i += 2;
            } else if (body.charAt(i) == '*') {
                parts.add(STAR);
                i++;
            } else {
                int next = body.indexOf('*', i);
                String lit = next < 0 ? body.substring(i) : body.substring(i, next);
                parts.add(lit);
                i += lit.length();
            }
        }
        int spec = !subtree && body.indexOf('*') < 0 ? 10_000 + body.length() : 2 + body.length();
        return new PathPattern(p, spec, parts.toArray(String[]::new), null, subtree);
    }

    /** True when the application-relative {@code path} matches. */
    public boolean matches(String path) {
        if (path == null) {
            return false;
        }
        if (parts == null) {
            return suffix == null || path.endsWith(suffix);
        }
        if (parts.length == 1 && !parts[0].startsWith(STAR)) {
            String lit = parts[0]; // exact or prefix: the common case, no wildcard
            return path.equals(lit) || subtree && path.startsWith(lit) && path.length() > lit.length()
                    && path.charAt(lit.length()) == '/';
        }
        return matchesWildcards(path);
    }

    /**
     * Wildcards, matched as sets of reachable positions, one part at a time: O(pattern length ×
     * path length) whatever the input, where a backtracking regex takes polynomial time of a
     * degree that grows with the number of wildcards (a client picks the path).
     */
    private boolean matchesWildcards(String path) {
        int n = path.length();
        boolean[] at = new boolean[n + 1];
        boolean[] next = new boolean[n + 1];
        at[0] = true;
        for (String part : parts) {
            java.util.Arrays.fill(next, false);
            boolean any = false;
            if (part.equals(DOUBLE_STAR)) {
                boolean on = false;
                for (int j = 0; j <= n; j++) {
                    on |= at[j];
                    next[j] = on;
                    any |= on;
                }
            } else if (part.equals(STAR)) {
                boolean on = false;
                for (int j = 0; j <= n; j++) {
                    on |= at[j];
                    next[j] = on;
                    any |= on;
                    if (j < n && path.charAt(j) == '/') {
                        on = false;
                    }
                }
            } else {
                int len = part.length();
                for (int j = 0; j + len <= n; j++) {
                    if (at[j] && path.startsWith(part, j)) {
                        next[j + len] = true;
                        any = true;
                    }
                }
            }
            if (!any) {
                return false;
            }
            boolean[] t = at;
            at = next;
            next = t;
        }
        if (at[n]) {
            return true;
        }
        if (subtree) {
            for (int j = 0; j < n; j++) {
                if (at[j] && path.charAt(j) == '/') {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Higher means more specific: exact paths beat prefixes, longer prefixes beat shorter ones,
     * extension patterns and catch-alls come last. Used to pick the best of several matching rules.
     */
    public int specificity() {
        return specificity;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathPattern other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
