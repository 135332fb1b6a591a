package io.github.redisfilters.config;

import java.util.regex.Pattern;

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

    private final String text;
    private final Pattern regex;
    private final int specificity;

    private PathPattern(String text, Pattern regex, int specificity) {
        this.text = text;
        this.regex = regex;
        this.specificity = specificity;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException when it is not one of the documented forms
     */
    public static PathPattern parse(String pattern) {
        String p = pattern == null ? "" : pattern.trim();
        if (p.startsWith("*.") && p.length() > 2 && p.indexOf('/') < 0 && p.indexOf('*', 1) < 0) {
            return new PathPattern(p, Pattern.compile(".*" + Pattern.quote(p.substring(1))), 1);
        }
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("'" + pattern + "' is not " + FORM);
        }
        if (p.indexOf("***") >= 0 || p.indexOf('?') >= 0 || p.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("'" + pattern + "' is not " + FORM);
        }
        if (p.equals("/") || p.equals("/*") || p.equals("/**")) {
            return new PathPattern(p, Pattern.compile(".*"), 0);
        }
        String body = p;
        String tail = "";
        if (body.endsWith("/**") || body.endsWith("/*")) {
            body = body.substring(0, body.lastIndexOf('/'));
            tail = "(/.*)?";
        }
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            if (body.startsWith("**", i)) {
                re.append(".*");
                i += 2;
            } else if (body.charAt(i) == '*') {
                re.append("[^/]*");
                i++;
            } else {
                int next = body.indexOf('*', i);
                String lit = next < 0 ? body.substring(i) : body.substring(i, next);
                re.append(Pattern.quote(lit));
                i += lit.length();
            }
        }
        re.append(tail);
        int spec = tail.isEmpty() && body.indexOf('*') < 0 ? 10_000 + body.length() : 2 + body.length();
        return new PathPattern(p, Pattern.compile(re.toString()), spec);
    }

    /** True when the application-relative {@code path} matches. */
    public boolean matches(String path) {
        return path != null && regex.matcher(path).matches();
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
