package io.github.redisfilters.internal.client;

import io.github.redisfilters.internal.web.RequestPaths;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Whether a filter's mapping (its {@code FilterRegistration}'s URL patterns and servlet names)
 * covers a request, by the servlet specification's matching rules (exact, {@code /prefix/*},
 * {@code *.ext}, {@code /} and {@code /*} for everything). Used only to decide whether sending a
 * filter's lookup early is worth it: a wrong "yes" costs one wasted read, a wrong "no" one more
 * round trip later — never a different decision. A filter whose registration cannot be found
 * (e.g. wrapped by another framework) is treated as not mapped.
 */
final class FilterMapping {
    private static final FilterMapping NONE = new FilterMapping(List.of(), List.of(), List.of(), List.of(), false, List.of());

    private final List<String> exact;
    private final List<String> prefixes;
    private final List<String> extensions;
    private final List<String> servletNames;
    private final boolean everything;
    private final List<String> raw;

    private FilterMapping(List<String> exact, List<String> prefixes, List<String> extensions, List<String> servletNames,
            boolean everything, List<String> raw) {
        this.exact = exact;
        this.prefixes = prefixes;
        this.extensions = extensions;
        this.servletNames = servletNames;
        this.everything = everything;
        this.raw = raw;
    }

    static FilterMapping of(ServletContext context, String filterName) {
        FilterRegistration reg;
        try {
            reg = context.getFilterRegistration(filterName);
        } catch (RuntimeException e) {
            return NONE;
        }
        if (reg == null) {
            return NONE;
        }
        return of(nonNull(reg.getUrlPatternMappings()), nonNull(reg.getServletNameMappings()));
    }

    static FilterMapping of(Collection<String> urlPatterns, Collection<String> servletNames) {
        List<String> exact = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        List<String> extensions = new ArrayList<>();
        boolean everything = servletNames.contains("*");
        for (String p : urlPatterns) {
            if (p.equals("/*") || p.equals("/")) {
                everything = true;
            } else if (p.endsWith("/*")) {
                prefixes.add(p.substring(0, p.length() - 2));
            } else if (p.startsWith("*.")) {
                extensions.add(p.substring(1));
            } else {
                exact.add(p.isEmpty() ? "/" : p);
            }
        }
        return new FilterMapping(List.copyOf(exact), List.copyOf(prefixes), List.copyOf(extensions),
                List.copyOf(servletNames), everything, List.copyOf(urlPatterns));
    }

    boolean matches(HttpServletRequest request) {
        if (everything) {
            return true;
        }
        String path = RequestPaths.applicationPath(request);
        for (int i = 0; i < exact.size(); i++) {
            if (exact.get(i).equals(path)) {
                return true;
            }
        }
        for (int i = 0; i < prefixes.size(); i++) {
            String p = prefixes.get(i);
            if (path.equals(p) || path.startsWith(p) && path.length() > p.length() && path.charAt(p.length()) == '/') {
                return true;
            }
        }
        if (!extensions.isEmpty()) {
            int slash = path.lastIndexOf('/');
            for (int i = 0; i < extensions.size(); i++) {
                String ext = extensions.get(i);
                if (path.endsWith(ext) && path.length() - ext.length() > slash + 1) {
                    return true;
                }
            }
        }
        if (!servletNames.isEmpty()) {
            HttpServletMapping m = request.getHttpServletMapping();
            return m != null && servletNames.contains(m.getServletName());
        }
        return false;
    }

    @Override
    public String toString() {
        return "FilterMapping" + raw + (servletNames.isEmpty() ? "" : " servlets " + servletNames);
    }

    private static Collection<String> nonNull(Collection<String> c) {
        return c == null ? List.of() : c;
    }
}
