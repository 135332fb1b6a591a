package io.github.redisfilters.cache;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a successful unsafe request invalidates (RFC 9111 §4.4): its own URL, same-origin
 * {@code Location}/{@code Content-Location} targets, and the configured targets of matching
 * {@code invalidations} rules, all through the same key normalisation as lookups. One round trip
 * whatever the size of the database (see {@link CacheStore#invalidate}).
 */
final class Invalidator {
    private final CacheKeys keys;
    private final List<ResponseCacheConfig.Invalidation> rules;

    Invalidator(CacheKeys keys, List<ResponseCacheConfig.Invalidation> rules) {
        this.keys = keys;
        this.rules = rules;
    }

    /**
     * URL keys and path prefixes to invalidate after {@code req} was answered by {@code res}, or
     * null for none. The request's own URL counts only when a cache rule covers it
     * ({@code ownUrlCached}): nothing can be stored for other URLs, and an invalidation marker
     * for every unsafe request to any URL would only fill Redis.
     */
    Targets targets(HttpServletRequest req, HttpServletResponse res, String appPath, boolean ownUrlCached) {
        int status = res.getStatus();
        if (status < 200 || status >= 400) {
            return null; // §4.4: only non-error responses invalidate
        }
        Set<String> urls = new LinkedHashSet<>();
        if (ownUrlCached) {
            urls.add(keys.urlKey(req.getRequestURI(), req.getContextPath(), req.getQueryString()));
        }
        for (String header : List.of("Location", "Content-Location")) {
            String target = sameOriginPath(req, res.getHeader(header));
            if (target != null) {
                urls.add(target);
            }
        }
        List<String> prefixes = new ArrayList<>();
        for (ResponseCacheConfig.Invalidation inv : rules) {
            if (inv.trigger().matches(appPath)) {
                for (String t : inv.targets()) {
                    if (t.endsWith("*")) {
                        prefixes.add(t);
                    } else {
                        int q = t.indexOf('?');
                        urls.add(q < 0 ? keys.urlKey(t, "", null) : keys.urlKey(t.substring(0, q), "", t.substring(q + 1)));
                    }
                }
            }
        }
        return new Targets(urls, prefixes);
    }

    /** URL keys and path prefixes (with their trailing {@code *}). */
    record Targets(Set<String> urls, List<String> prefixes) {
    }

    /**
     * The URL key of a {@code Location}/{@code Content-Location} value when it points into this
     * application on the same host (§4.4 forbids invalidating other origins); forwarded host
     * headers are never consulted.
     */
    private String sameOriginPath(HttpServletRequest req, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI base = URI.create(req.getRequestURL().toString());
            URI u = base.resolve(value.trim());
            if (u.getHost() == null || !u.getHost().equalsIgnoreCase(req.getServerName())) {
                return null;
            }
            String path = u.getRawPath();
            String ctx = req.getContextPath();
            if (path == null || !(ctx.isEmpty() || path.equals(ctx) || path.startsWith(ctx + "/"))) {
                return null;
            }
            return keys.urlKey(path, ctx, u.getRawQuery());
        } catch (IllegalArgumentException e) {
            return null; // unparsable header: nothing to invalidate
        }
    }
}
