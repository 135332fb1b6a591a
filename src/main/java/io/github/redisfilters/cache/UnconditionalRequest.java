package io.github.redisfilters.cache;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hides the client's validators from the origin on a cacheable miss, so the origin renders a
 * full, storable response; the filter answers the condition itself from what it stores.
 */
final class UnconditionalRequest extends HttpServletRequestWrapper {
    private static final Set<String> HIDDEN = Set.of("if-none-match", "if-modified-since");

    UnconditionalRequest(HttpServletRequest request) {
        super(request);
    }

    @Override
    public String getHeader(String name) {
        return HIDDEN.contains(name.toLowerCase(Locale.ROOT)) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return HIDDEN.contains(name.toLowerCase(Locale.ROOT)) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public long getDateHeader(String name) {
        return HIDDEN.contains(name.toLowerCase(Locale.ROOT)) ? -1 : super.getDateHeader(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = new ArrayList<>();
        for (String n : Collections.list(super.getHeaderNames())) {
            if (!HIDDEN.contains(n.toLowerCase(Locale.ROOT))) {
                names.add(n);
            }
        }
        return Collections.enumeration(names);
    }
}
