package io.github.redisfilters.cache;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replaces the client's validators on a request the cache sends to the origin. Without a stored
 * entry they are hidden, so the origin renders a full, storable response (the filter answers the
 * client's condition itself). With a stored entry that has validators, the cache's own are sent
 * instead (RFC 9111 §4.3.1), so the origin may answer 304 and the stored body is reused.
 */
final class UnconditionalRequest extends HttpServletRequestWrapper {
    private final Map<String, String> validators = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private HookedAsyncContext async;

    UnconditionalRequest(HttpServletRequest request, CacheEntry stored) {
        super(request);
        validators.put("If-None-Match", null);
        validators.put("If-Modified-Since", null);
        if (stored != null) {
            String etag = stored.header("ETag");
            if (etag != null) {
                validators.put("If-None-Match", etag);
            } else if (stored.header("Last-Modified") != null) {
                validators.put("If-Modified-Since", stored.header("Last-Modified"));
            }
        }
    }

    /** The async context the origin started through this request, or null. */
    synchronized HookedAsyncContext hookedAsync() {
        return async;
    }

    @Override
    public synchronized AsyncContext startAsync() {
        async = new HookedAsyncContext(super.startAsync());
        return async;
    }

    @Override
    public synchronized AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        async = new HookedAsyncContext(super.startAsync(request, response));
        return async;
    }

    @Override
    public synchronized AsyncContext getAsyncContext() {
        AsyncContext a = super.getAsyncContext();
        return async != null && async.wraps(a) ? async : a;
    }

    /** True when the origin is asked to validate a stored entry. */
    boolean conditional() {
        return validators.get("If-None-Match") != null || validators.get("If-Modified-Since") != null;
    }

    @Override
    public String getHeader(String name) {
        return validators.containsKey(name) ? validators.get(name) : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (validators.containsKey(name)) {
            String v = validators.get(name);
            return v == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(v));
        }
        return super.getHeaders(name);
    }

    @Override
    public long getDateHeader(String name) {
        if (validators.containsKey(name)) {
            long d = CachePolicy.parseDate(validators.get(name));
            return d;
        }
        return super.getDateHeader(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = new ArrayList<>();
        for (String n : Collections.list(super.getHeaderNames())) {
            if (!validators.containsKey(n.toLowerCase(Locale.ROOT))) {
                names.add(n);
            }
        }
        validators.forEach((k, v) -> {
            if (v != null) {
                names.add(k);
            }
        });
        return Collections.enumeration(names);
    }
}
