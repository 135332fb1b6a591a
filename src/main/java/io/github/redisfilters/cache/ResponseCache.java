package io.github.redisfilters.cache;

import io.github.redisfilters.client.RedisUnavailableException;
import jakarta.servlet.ServletContext;
import java.util.List;

/**
 * Purges entries of a running {@link ResponseCacheFilter}. Get it from the servlet context once
 * the filter has started:
 *
 * <pre>{@code
 * ResponseCache cache = ResponseCache.from(getServletContext());
 * cache.purgePrefix("/api/products");
 * }</pre>
 *
 * Paths are application-relative (without the context path). Every method talks to Redis and
 * throws {@link RedisUnavailableException} when it cannot.
 */
public final class ResponseCache {
    /** Context attribute holding the instance of the first cache filter started. */
    public static final String ATTRIBUTE = ResponseCache.class.getName();

    private final CacheStore store;
    private final CacheKeys keys;

    ResponseCache(CacheStore store, CacheKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    /** The instance of the first cache filter of this application, or of the named filter. */
    public static ResponseCache from(ServletContext context, String... filterName) {
        String attr = filterName.length == 0 ? ATTRIBUTE : ATTRIBUTE + "." + filterName[0];
        Object o = context.getAttribute(attr);
        if (!(o instanceof ResponseCache rc)) {
            throw new IllegalStateException("no ResponseCacheFilter has started in this application (attribute "
                    + attr + ")");
        }
        return rc;
    }

    /**
     * Purges one URL, e.g. {@code /api/products?page=2} (path and query normalised as in keys),
     * with all its {@code Vary} variants. A render of it that began before the purge is not stored.
     *
     * @return true when something was stored for it
     */
    public boolean purgeUrl(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String url = q < 0 ? keys.urlKey(pathAndQuery, "", null)
                : keys.urlKey(pathAndQuery.substring(0, q), "", pathAndQuery.substring(q + 1));
        return store.invalidate(List.of(url), List.of()) > 0;
    }

    /**
     * Purges a path and everything below it, by whole path segments: {@code /api/products} purges
     * {@code /api/products}, {@code /api/products?page=2} and {@code /api/products/42?x=1}, not
     * {@code /api/products-old} (a trailing {@code *} or {@code /} means the same). Costs one
     * command whatever the size of the database: the prefix's generation advances, entries under it
     * stop being served at once (an entry whose render began before the purge is never served) and
     * expire with their own lifetime. Prefixes deeper than {@value CacheKeys#MAX_DEPTH} segments purge
     * their ancestor at that depth (more than asked, never less); {@code /} purges everything.
     *
     * @return the number of prefix generations advanced (1, or for {@code /} one per first path segment)
     */
    public long purgePrefix(String pathPrefix) {
        return store.purgePrefix(pathPrefix);
    }

    /**
     * Purges every entry whose response named {@code tag} in the tag header (default
     * {@code Cache-Tag: product-42, products}), through the tag's own set of entries (cost in
     * proportion to them, not to the database). An entry rendered before the purge is never stored
     * after it.
     *
     * @return the number of entries deleted
     */
    public long purgeTag(String tag) {
        return store.purgeTag(tag);
    }
}
