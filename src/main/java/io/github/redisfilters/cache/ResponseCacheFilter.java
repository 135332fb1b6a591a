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
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

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
 * store (one more when the response carries tags).
 */
public class ResponseCacheFilter implements Filter {
    static final String KIND = "cache";
    /** Request headers that make origins render something other than the URL says (poisoning vectors). */
    private static final List<String> REWRITE_HEADERS = List.of("X-Original-URL", "X-Rewrite-URL",
            "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    private ResponseCacheConfig config;
    private FilterRuntime runtime;
    private CacheStore store;
    private CacheKeys keys;
    private Invalidator invalidator;
    private ServletAnnotations annotations;
    private FilterMetrics metrics;
    private ServletContext context;
    private String filterName;
    private ResponseCache api;
    /** Request attribute holding what this filter received the request as ({@link ReceivedFor}). */
    private String receivedAttribute;
    private RequestBatch.Member member;
    /** Lock tokens of this filter start with this, then name the request (see {@link #lockToken}). */
    private final String tokenSalt = Long.toHexString(ThreadLocalRandom.current().nextLong());
    /** Vary names last seen per URL key on this server: lets a lookup send only those headers. */
    private final Map<String, List<String>> varyHints = new ConcurrentHashMap<>();

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
        annotations = new ServletAnnotations(filterConfig.getServletContext(), component);
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
        keys = new CacheKeys(runtime.keyPrefix(), c.sortQuery(), c.ignoredQueryParameters());
        store = new CacheStore(runtime.redis(), keys);
        invalidator = new Invalidator(keys, c.invalidations());
        api = new ResponseCache(store, keys);
        context = filterConfig.getServletContext();
        filterName = filterConfig.getFilterName();
        context.setAttribute(ResponseCache.ATTRIBUTE + "." + filterName, api);
        synchronized (context) {
            if (context.getAttribute(ResponseCache.ATTRIBUTE) == null) {
                context.setAttribute(ResponseCache.ATTRIBUTE, api);
            }
        }
        receivedAttribute = ResponseCacheFilter.class.getName() + ".received." + filterName;
        member = runtime.joinBatch(request -> receive(request).lookup()); // a pure read (its lock is undone)
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
     * request the cache handles at all?), <b>lookup</b> (one round trip: entry, miss lock,
     * hit-for-pass), then <b>hit</b> (serve the entry; stale-while-revalidate: serve it, then
     * refresh), <b>miss</b> (render once, store) or <b>pass</b> (render, no lock), and
     * <b>deliver</b> (in {@link CacheExchange}).
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
            Received received = receive(req);
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
            CacheExchange exchange = new CacheExchange(this, req, res, chain, received.rule(), received.lookup());
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

    /** What {@link #receive} decided. */
    enum Kind { UNSAFE, IGNORE, BYPASS, LOOKUP }

    record Received(Kind kind, String reason, ResponseCacheConfig.Rule rule, CacheStore.Lookup lookup) {
    }

    /**
     * Receive: which requests the cache handles, and the lookup plan for those it does (derived
     * from the request alone, so another filter may send it early).
     */
    private Received receive(HttpServletRequest req) {
        // once per request object: another of our filters that planned this lookup early saw the
        // same object unless a filter in between wrapped the request (then it is computed again)
        if (req.getDispatcherType() != jakarta.servlet.DispatcherType.REQUEST) {
            return receiveNow(req); // a forward or include changes the paths of the same request
        }
        Object memo = req.getAttribute(receivedAttribute);
        if (memo instanceof ReceivedFor r && r.request == req) {
            return r.received;
        }
        Received received = receiveNow(req);
        req.setAttribute(receivedAttribute, new ReceivedFor(req, received));
        return received;
    }

    /** A request object and what it was received as (a plain class: compared by identity). */
    private static final class ReceivedFor {
        final HttpServletRequest request;
        final Received received;

        ReceivedFor(HttpServletRequest request, Received received) {
            this.request = request;
            this.received = received;
        }
    }

    private Received receiveNow(HttpServletRequest req) {
        String method = req.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            boolean safe = method.equals("OPTIONS") || method.equals("TRACE");
            return new Received(safe ? Kind.IGNORE : Kind.UNSAFE, null, null, null);
        }
        ResponseCacheConfig.Rule rule = ruleFor(req);
        if (rule == null || rule == ServletAnnotations.NO_CACHE) {
            return new Received(Kind.IGNORE, null, null, null);
        }
        CachePolicy.RequestFacts facts = facts(req);
        String bypass = CachePolicy.bypassReason(facts, config.shareAuthorized());
        if (bypass == null && rewriteHeader(req)) {
            bypass = "rewrite-header";
        }
        if (bypass == null && CacheKeys.hasPathParameters(req.getRequestURI())) {
            bypass = "path-parameters";
        }
        if (bypass != null) {
            return new Received(Kind.BYPASS, bypass, rule, null);
        }
        String urlKey = keys.urlKey(req.getRequestURI(), req.getContextPath(), req.getQueryString());
        String token = method.equals("GET") && config.coalesceMisses() ? lockToken(req) : null;
        return new Received(Kind.LOOKUP, null, rule, lookupPlan(req, urlKey, token, false));
    }

    /** The lookup of a URL, sending only the request headers it was last seen to vary on when known. */
    CacheStore.Lookup lookupPlan(HttpServletRequest req, String urlKey, String token, boolean allHeaders) {
        List<String> hint = allHeaders ? null : varyHints.get(urlKey);
        return store.new Lookup(urlKey, hint == null ? RequestHeaders.varyInputs(req) : RequestHeaders.varyInputs(req, hint),
                hint == null, token, config.lockTimeout().toMillis());
    }

    CachePolicy.RequestFacts facts(HttpServletRequest req) {
        return new CachePolicy.RequestFacts(req.getMethod(), req.getHeader("Authorization") != null,
                hasSession(req), CacheControl.parse(req.getHeaders("Cache-Control")),
                RequestHeaders.containsToken(req.getHeaders("Pragma"), "no-cache"));
    }

    /**
     * The miss-lock token of a request: the same whenever it is computed for this request (so a
     * lookup another filter sent early matches the one this filter plans), different for every
     * request in flight.
     */
    private String lockToken(HttpServletRequest req) {
        ServletRequest r = req;
        while (r instanceof ServletRequestWrapper w) {
            r = w.getRequest();
        }
        return tokenSalt + ":" + r.getRequestId() + ":" + Integer.toHexString(System.identityHashCode(r));
    }

    private ResponseCacheConfig.Rule ruleFor(HttpServletRequest req) {
        Optional<ResponseCacheConfig.Rule> own = annotations.ruleFor(req);
        return own.isPresent() ? own.get() : config.ruleFor(appPath(req));
    }

    private static String appPath(HttpServletRequest req) {
        return RequestPaths.applicationPath(req);
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
        ResponseCacheConfig.Rule rule = ruleFor(req);
        Invalidator.Targets t = invalidator.targets(req, res, appPath(req), rule != null && rule != ServletAnnotations.NO_CACHE);
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

    void rememberVary(String urlKey, List<String> names) {
        if (varyHints.size() >= 10_000) {
            varyHints.clear(); // a hint is only an optimisation: start over rather than grow
        }
        varyHints.put(urlKey, names);
    }

    void forgetVary(String urlKey) {
        varyHints.remove(urlKey);
    }

    void status(HttpServletResponse res, String value) {
        if (config.cacheStatusHeader() != null) {
            res.setHeader(config.cacheStatusHeader(), value);
        }
    }

    private boolean hasSession(HttpServletRequest req) {
        if (req.getRequestedSessionId() != null) {
            return true; // whatever the cookie is called (or a URL-rewritten id)
        }
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (config.sessionCookies().contains(c.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean rewriteHeader(HttpServletRequest req) {
        for (String h : REWRITE_HEADERS) {
            if (req.getHeader(h) != null) {
                return true;
            }
        }
        return false;
    }

}
