package io.github.redisfilters.cache;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.runtime.FilterRuntime;
import io.github.redisfilters.internal.web.RequestPaths;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Caches {@code GET} responses in Redis, shared by every server of the application, following
 * path rules in {@link CacheMode#TTL} or {@link CacheMode#STANDARD} (RFC 9111) mode; serves
 * {@code HEAD} and conditional requests (304) from stored {@code GET} responses; invalidates after
 * unsafe methods; coalesces concurrent misses across servers; remembers uncacheable answers for a
 * short while (hit-for-pass); serves stale entries within {@code stale-while-revalidate} /
 * {@code stale-if-error}; marks responses with {@code X-Cache: HIT|MISS|STALE|BYPASS}. Requests
 * with {@code Authorization} or a session never share responses unless {@code shareAuthorized} is
 * set. With Redis down it serves from the origin (failure mode open, the default). See
 * {@link ResponseCacheConfig} for every init-param.
 *
 * <p>A hit costs one Redis round trip (shared with the library's other filters on the request,
 * see {@link RequestBatch}); a miss costs that lookup, which also takes the miss lock, plus one
 * store (one more when the response carries tags). A render that follows a stored entry (stale,
 * or hidden by a purge) first reads the Redis time in one more round trip, which a hit never needs.
 */
public class ResponseCacheFilter implements Filter {
    static final String KIND = "cache";

    private ResponseCacheConfig config;
    private FilterRuntime runtime;
    private CacheStore store;
    private Receiver receiver;
    private Invalidator invalidator;
    private FilterMetrics metrics;
    private ServletContext context;
    private String filterName;
    private ResponseCache api;
    private RequestBatch.Member member;

    /** For web.xml / {@code @WebFilter}: configured from init-params. */
    public ResponseCacheFilter() {
    }

    /** For programmatic registration with a ready configuration. */
    public ResponseCacheFilter(ResponseCacheConfig config) {
        this.config = config;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        ResponseCacheConfig c = config != null ? config : ResponseCacheConfig.fromInitParams(filterConfig);
        String component = "filter '" + filterConfig.getFilterName() + "'";
        ServletAnnotations annotations = new ServletAnnotations(filterConfig.getServletContext(), component);
        try {
            annotations.preload();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(component + ": " + e.getMessage(), e);
        }
        runtime = FilterRuntime.start(filterConfig, KIND, c.redisSettings(), c, "hits", "misses", "stale", "stale.if-error", "stores",
                "store.skipped", "store.refused", "hit-for-pass", "revalidated", "coalesced", "coalesce.timeouts", "bypass",
                "bypass.redis-down", "invalidations", "invalidated", "errors", "errors.decode");
        config = c;
        metrics = runtime.metrics();
        CacheKeys keys = new CacheKeys(runtime.keyPrefix(), c.sortQuery(), c.ignoredQueryParameters());
        store = new CacheStore(runtime.redis(), keys);
        invalidator = new Invalidator(keys, c.invalidations());
        api = new ResponseCache(store, keys);
        context = filterConfig.getServletContext();
        filterName = filterConfig.getFilterName();
        receiver = new Receiver(c, annotations, keys, store, filterName);
        context.setAttribute(ResponseCache.ATTRIBUTE + "." + filterName, api);
        synchronized (context) {
            if (context.getAttribute(ResponseCache.ATTRIBUTE) == null) {
                context.setAttribute(ResponseCache.ATTRIBUTE, api);
            }
        }
        member = runtime.joinBatch(request -> receiver.receive(request, true).lookup()); // a pure read (its lock is undone)
    }

    @Override
    public void destroy() {
        if (context != null) {
            context.removeAttribute(ResponseCache.ATTRIBUTE + "." + filterName);
            synchronized (context) {
                if (context.getAttribute(ResponseCache.ATTRIBUTE) == api) {
                    context.removeAttribute(ResponseCache.ATTRIBUTE);
                }
            }
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    /**
     * The request's way through the cache, as Varnish names the states: <b>receive</b> (is it a
     * request the cache handles at all? {@link Receiver}), <b>lookup</b> (one round trip: entry,
     * miss lock, hit-for-pass), then <b>hit</b> (serve the entry; stale-while-revalidate: serve it,
     * then refresh), <b>miss</b> (render once, store) or <b>pass</b> (render, no lock), each ending
     * in <b>deliver</b> ({@link Delivery} for stored entries).
     */
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse res)) {
            chain.doFilter(request, response);
            return;
        }
        try (RequestBatch.Scope batch = RequestBatch.enter(req, member)) {
            // receive
            Receiver.Received received = receiver.receive(req, batch.batching());
            switch (received.kind()) {
                case UNSAFE -> {
                    InvalidatingResponse wrapped = new InvalidatingResponse(res, () -> invalidate(req, res, batch));
                    chain.doFilter(req, wrapped);
                    invalidateAfter(req, wrapped);
                    return;
                }
                case IGNORE -> {
                    chain.doFilter(req, res);
                    return;
                }
                case BYPASS -> {
                    metrics.increment("bypass");
                    metrics.increment("bypass." + received.reason());
                    status(res, "BYPASS");
                    chain.doFilter(req, res);
                    return;
                }
                case LOOKUP -> { }
            }
            CacheExchange exchange = new CacheExchange(this, received, req, res, chain);
            // lookup
            CacheExchange.Found found;
            try {
                found = exchange.lookup(batch.read(received.lookup()));
            } catch (RedisUnavailableException e) {
                exchange.redisDown();
                return;
            }
            // hit / miss / pass, then deliver
            switch (found.state()) {
                case HIT -> exchange.hit(found.entry(), "HIT");
                case STALE -> exchange.hit(found.entry(), "STALE");
                case REFRESH -> exchange.refresh(found.entry(), found.stale());
                case MISS -> exchange.miss(found.entry(), found.stale());
                case PASS -> exchange.pass();
            }
        }
    }

    // ----- invalidation (RFC 9111 §4.4)

    private void invalidateAfter(HttpServletRequest req, InvalidatingResponse wrapped) {
        if (req.isAsyncStarted()) {
            req.getAsyncContext().addListener(new AsyncListener() {
                public void onComplete(AsyncEvent event) {
                    wrapped.finish();
                }
                public void onTimeout(AsyncEvent event) { }
                public void onError(AsyncEvent event) { }
                public void onStartAsync(AsyncEvent event) { }
            });
            return;
        }
        wrapped.finish();
    }

    private void invalidate(HttpServletRequest req, HttpServletResponse res, RequestBatch.Scope batch) {
        Invalidator.Targets t = invalidator.targets(req, res, RequestPaths.applicationPath(req),
                Receiver.cached(receiver.ruleFor(req)));
        CacheStore.Invalidation plan = t == null ? null : store.invalidation(t.urls(), t.prefixes());
        if (plan == null) {
            return;
        }
        // with the session filter in front, it rides on the session's save at commit (one round trip)
        if (batch.deferWrite(plan, this::invalidated)) {
            return;
        }
        try {
            invalidated(store.redis().send(plan));
        } catch (RedisUnavailableException e) {
            metrics.increment("errors");
        }
    }

    private void invalidated(long deleted) {
        metrics.add("invalidated", deleted);
        metrics.increment("invalidations");
    }

    // ----- shared with CacheExchange

    ResponseCacheConfig config() {
        return config;
    }

    CacheStore store() {
        return store;
    }

    FilterMetrics metrics() {
        return metrics;
    }

    Receiver receiver() {
        return receiver;
    }

    void status(HttpServletResponse res, String value) {
        if (config.cacheStatusHeader() != null) {
            res.setHeader(config.cacheStatusHeader(), value);
        }
    }
}
