package io.github.redisfilters.cache;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.metrics.FilterMetrics;
import io.github.redisfilters.runtime.FilterRuntime;
import io.github.redisfilters.web.ProblemResponse;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Caches {@code GET} responses in Redis, shared by every server of the application, following
 * path rules in {@link CacheMode#TTL} or {@link CacheMode#STANDARD} (RFC 9111) mode; serves
 * {@code HEAD} and conditional requests (304) from stored {@code GET} responses; invalidates after
 * unsafe methods; coalesces concurrent misses across servers; serves stale entries within
 * {@code stale-while-revalidate} / {@code stale-if-error}; marks responses with
 * {@code X-Cache: HIT|MISS|STALE|BYPASS}. Requests with {@code Authorization} or a session never
 * share responses unless {@code shareAuthorized} is set. With Redis down it serves from the
 * origin (failure mode open, the default). See {@link ResponseCacheConfig} for every init-param.
 *
 * <p>A hit costs one Redis round trip: a plain {@code GET} for a URL this server saw without
 * {@code Vary}, else one script reading the variants record and the variant. A miss costs that
 * plus one write (and one lock round trip on the plain-GET path).
 */
public class ResponseCacheFilter implements Filter {
    static final String KIND = "cache";
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "transfer-encoding", "upgrade", "trailer", "proxy-authenticate", "proxy-authorization", "age",
            "content-length", "set-cookie", "set-cookie2");
    /** Request headers that make origins render something other than the URL says (poisoning vectors). */
    private static final List<String> REWRITE_HEADERS = List.of("X-Original-URL", "X-Rewrite-URL",
            "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");
    private static final Set<String> NOT_MODIFIED_HEADERS = Set.of("cache-control", "content-location", "date",
            "etag", "expires", "vary", "last-modified");

    private ResponseCacheConfig config;
    private FilterRuntime runtime;
    private CacheStore store;
    private CacheKeys keys;
    private ServletAnnotations annotations;
    /** Per servlet name: whether it was ever seen to go async (see validation in {@code Exchange.run}). */
    private final Map<String, Boolean> wentAsync = new java.util.concurrent.ConcurrentHashMap<>();
    /** Vary names last seen per URL key on this server: lets a lookup send only those headers. */
    private final Map<String, List<String>> varyHints = new java.util.concurrent.ConcurrentHashMap<>();
    private FilterMetrics metrics;

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
        annotations = new ServletAnnotations(filterConfig.getServletContext());
        try {
            annotations.preload();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("filter '" + filterConfig.getFilterName() + "': " + e.getMessage(), e);
        }
        runtime = FilterRuntime.start(filterConfig, KIND, c.redisSettings(), c, "hits", "misses", "stale", "stale.if-error", "stores",
                "store.skipped", "revalidated", "coalesced", "coalesce.timeouts", "bypass", "bypass.redis-down",
                "invalidations", "invalidated", "errors", "errors.decode");
        config = c;
        metrics = runtime.metrics();
        keys = new CacheKeys(runtime.keyPrefix(), c.sortQuery(), c.ignoredQueryParameters());
        store = new CacheStore(runtime.redis(), keys);
        ResponseCache api = new ResponseCache(store, keys);
        var ctx = filterConfig.getServletContext();
        ctx.setAttribute(ResponseCache.ATTRIBUTE + "." + filterConfig.getFilterName(), api);
        if (ctx.getAttribute(ResponseCache.ATTRIBUTE) == null) {
            ctx.setAttribute(ResponseCache.ATTRIBUTE, api);
        }
    }

    @Override
    public void destroy() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse res)) {
            chain.doFilter(request, response);
            return;
        }
        String method = req.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            if (method.equals("OPTIONS") || method.equals("TRACE")) {
                chain.doFilter(req, res);
                return;
            }
            InvalidatingResponse wrapped = new InvalidatingResponse(res, () -> invalidateNow(req, res));
            chain.doFilter(req, wrapped);
            invalidateAfterUnsafe(req, wrapped);
            return;
        }
        ResponseCacheConfig.Rule rule = ruleFor(req);
        if (rule == null || rule == ServletAnnotations.NO_CACHE) {
            chain.doFilter(req, res);
            return;
        }
        new Exchange(req, res, chain, rule).run();
    }

    private ResponseCacheConfig.Rule ruleFor(HttpServletRequest req) {
        Optional<ResponseCacheConfig.Rule> own = annotations.ruleFor(req);
        return own.isPresent() ? own.get() : config.ruleFor(appPath(req));
    }

    private static String servletName(HttpServletRequest req) {
        var mapping = req.getHttpServletMapping();
        String name = mapping == null ? null : mapping.getServletName();
        return name == null ? "" : name;
    }

    private static String appPath(HttpServletRequest req) {
        String p = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        return p.isEmpty() ? "/" : p;
    }

    // ----- invalidation (RFC 9111 §4.4)

    private void invalidateAfterUnsafe(HttpServletRequest req, InvalidatingResponse wrapped) {
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

    private void invalidateNow(HttpServletRequest req, HttpServletResponse res) {
        int status = res.getStatus();
        if (status < 200 || status >= 400) {
            return; // §4.4: only non-error responses invalidate
        }
        Set<String> urls = new LinkedHashSet<>();
        urls.add(keys.urlKey(req.getRequestURI(), req.getContextPath(), req.getQueryString()));
        for (String header : List.of("Location", "Content-Location")) {
            String target = sameOriginPath(req, res.getHeader(header));
            if (target != null) {
                urls.add(target);
            }
        }
        List<String> prefixes = new ArrayList<>();
        String path = appPath(req);
        for (ResponseCacheConfig.Invalidation inv : config.invalidations()) {
            if (inv.trigger().matches(path)) {
                for (String t : inv.targets()) {
                    if (t.endsWith("*")) {
                        prefixes.add(t.substring(0, t.length() - 1));
                    } else {
                        urls.add(t);
                    }
                }
            }
        }
        try {
            long n = store.invalidate(urls);
            for (String p : prefixes) {
                n += store.purgePrefix(p);
            }
            metrics.add("invalidated", n);
            metrics.increment("invalidations");
        } catch (RedisUnavailableException e) {
            metrics.increment("errors");
        }
    }

    /**
     * The application-relative URL key of a {@code Location}/{@code Content-Location} value when
     * it points into this application on the same host (§4.4 forbids invalidating other
     * origins); forwarded host headers are never consulted.
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

    // ----- one cacheable request

    /** The state of one GET/HEAD request through the cache. */
    private final class Exchange {
        private final HttpServletRequest req;
        private final HttpServletResponse res;
        private final FilterChain chain;
        private final ResponseCacheConfig.Rule rule;
        private final CachePolicy.RequestFacts facts;
        private String urlKey;
        private String lockToken;
        private boolean locked;

        Exchange(HttpServletRequest req, HttpServletResponse res, FilterChain chain, ResponseCacheConfig.Rule rule) {
            this.req = req;
            this.res = res;
            this.chain = chain;
            this.rule = rule;
            this.facts = new CachePolicy.RequestFacts(req.getMethod(), req.getHeader("Authorization") != null,
                    hasSession(req), CacheControl.parse(req.getHeaders("Cache-Control")),
                    RequestHeaders.containsToken(req.getHeaders("Pragma"), "no-cache"));
        }

        void run() throws IOException, ServletException {
            String bypass = CachePolicy.bypassReason(facts, config.shareAuthorized());
            if (bypass == null && rewriteHeader(req)) {
                bypass = "rewrite-header";
            }
            if (bypass != null) {
                metrics.increment("bypass");
                metrics.increment("bypass." + bypass);
                status("BYPASS");
                chain.doFilter(req, res);
                return;
            }
            urlKey = keys.urlKey(req.getRequestURI(), req.getContextPath(), req.getQueryString());
            boolean get = facts.method().equals("GET");
            lockToken = get && config.coalesceMisses() ? token() : null;
            long now = config.clock().millis();
            CacheEntry entry;
            try {
                CacheStore.LookupResult r = lookupOnce();
                locked = r.locked();
                entry = decode(r.entry());
                if (entry == null && get && lockToken != null && !locked) {
                    entry = awaitOtherRender();
                    now = config.clock().millis();
                }
            } catch (RedisUnavailableException e) {
                redisDown();
                return;
            }
            CacheEntry stale = null;
            // a stored response the origin can validate instead of rendering it again (§4.3.1); only
            // for servlets seen to answer synchronously: an async 304 would pass straight through to a
            // client that sent no condition
            CacheEntry validatable = entry != null && entry.status() == 200
                    && Boolean.FALSE.equals(wentAsync.get(servletName(req)))
                    && (entry.header("ETag") != null || entry.header("Last-Modified") != null) ? entry : null;
            if (entry != null) {
                CachePolicy.Reuse reuse = CachePolicy.reuse(entry, now, rule.mode(), facts);
                switch (reuse) {
                    case FRESH -> {
                        metrics.increment("hits");
                        serve(entry, "HIT", now);
                        return;
                    }
                    case STALE_ACCEPTED -> {
                        metrics.increment("stale");
                        serve(entry, "STALE", now);
                        return;
                    }
                    case STALE_WHILE_REVALIDATE -> {
                        // one request (across servers) refreshes; the others keep getting the stale copy
                        if (!get || !tryLock()) {
                            metrics.increment("stale");
                            serve(entry, "STALE", now);
                            return;
                        }
                        stale = entry;
                    }
                    case STALE_IF_ERROR -> stale = entry;
                    case UNUSABLE -> { }
                }
            }
            if (rule.mode() == CacheMode.STANDARD && facts.cacheControl().has("only-if-cached")) {
                unlock();
                metrics.increment("misses");
                status("MISS");
                res.sendError(HttpServletResponse.SC_GATEWAY_TIMEOUT); // §5.2.1.7
                return;
            }
            metrics.increment("misses");
            status("MISS");
            if (!get) {
                chain.doFilter(req, res); // HEAD cannot fill the cache: it has no body
                return;
            }
            fetch(stale, validatable);
        }

        /**
         * One lookup round trip. For a URL this server saw without {@code Vary} that is one plain
         * {@code GET} (a miss then takes the lock in a second one: it is going to the origin
         * anyway). Otherwise one script call carrying only the request headers the URL was last
         * seen to vary on, or every header when that is unknown; a second round trip happens only
         * when the URL started varying on a header that was not sent.
         */
        private CacheStore.LookupResult lookupOnce() {
            List<String> hint = varyHints.get(urlKey);
            long ttl = config.lockTimeout().toMillis();
            if (hint != null && hint.isEmpty()) {
                byte[] stored = store.getBase(urlKey);
                if (stored != null && stored.length > 0 && stored[0] == EntryCodec.MAGIC) {
                    return new CacheStore.LookupResult(stored, false, List.of(), false);
                }
                if (stored == null) {
                    boolean lock = lockToken != null && store.tryLock(urlKey, lockToken, ttl);
                    return new CacheStore.LookupResult(null, lock, null, false);
                }
                hint = null; // it varies now: ask the script, with every header
                varyHints.remove(urlKey);
            }
            CacheStore.LookupResult r = store.lookup(store.planLookup(urlKey,
                    hint == null ? RequestHeaders.varyInputs(req) : RequestHeaders.varyInputs(req, hint), hint == null, lockToken, ttl));
            if (r.retryWithAllHeaders()) {
                varyHints.remove(urlKey);
                r = store.lookup(store.planLookup(urlKey, RequestHeaders.varyInputs(req), true, lockToken, ttl));
            }
            if (r.varyNames() != null) {
                rememberVary(urlKey, r.varyNames());
            }
            return r;
        }

        /** Polls for the entry another server is rendering, bounded by {@code coalesceWait}. */
        private CacheEntry awaitOtherRender() {
            long deadline = System.nanoTime() + config.coalesceWait().toNanos();
            long pause = 10_000_000L;
            while (System.nanoTime() < deadline) {
                LockSupport.parkNanos(Math.min(pause, Math.max(0, deadline - System.nanoTime())));
                pause = Math.min(pause * 2, 100_000_000L);
                CacheStore.LookupResult r = lookupOnce();
                locked = r.locked();
                CacheEntry e = decode(r.entry());
                if (e != null || locked) {
                    if (e != null) {
                        metrics.increment("coalesced");
                    }
                    return e;
                }
            }
            metrics.increment("coalesce.timeouts");
            return null;
        }

        private void fetch(CacheEntry stale, CacheEntry validatable) throws IOException, ServletException {
            CapturingResponse capture = new CapturingResponse(res, config.maxEntrySize(), config.tagHeader());
            capture.holdServerErrors(stale != null);
            UnconditionalRequest originRequest = new UnconditionalRequest(req, validatable);
            try {
                chain.doFilter(originRequest, capture);
            } catch (IOException | ServletException | RuntimeException e) {
                if (stale != null && !capture.released()) {
                    capture.discard();
                    unlock();
                    serveStaleForError(stale);
                    return;
                }
                unlock();
                throw e;
            }
            wentAsync.merge(servletName(req), req.isAsyncStarted(), Boolean::logicalOr);
            if (req.isAsyncStarted()) {
                // the async thread writes later: let everything through now and store the copy on completion
                capture.release();
                req.getAsyncContext().addListener(new AsyncListener() {
                    public void onComplete(AsyncEvent event) throws IOException {
                        completeAsync(capture);
                    }
                    public void onTimeout(AsyncEvent event) {
                        capture.discard();
                    }
                    public void onError(AsyncEvent event) {
                        capture.discard();
                    }
                    public void onStartAsync(AsyncEvent event) { }
                });
                return;
            }
            if (originRequest.conditional() && !capture.released()
                    && capture.getStatus() == HttpServletResponse.SC_NOT_MODIFIED) {
                revalidated(validatable, capture);
                return;
            }
            if (stale != null && !capture.released()
                    && (capture.heldError() || CachePolicy.isError(capture.getStatus()))) {
                capture.discard();
                unlock();
                serveStaleForError(stale);
                return;
            }
            Stored stored = prepare(capture);
            if (stored != null && !capture.released() && stored.entry.status() == 200
                    && CachePolicy.notModified(stored.entry, RequestHeaders.list(req.getHeaders("If-None-Match")),
                            req.getHeader("If-Modified-Since"))) {
                capture.discard();
                serve(stored.entry, "MISS", config.clock().millis());
            } else {
                capture.finish();
            }
            save(stored);
        }

        /**
         * The origin confirmed the stored response (304): update its headers from the 304
         * (RFC 9111 §4.3.4), serve it, and store it with a fresh lifetime when still storable.
         */
        private void revalidated(CacheEntry stored, CapturingResponse capture) throws IOException {
            capture.discard();
            metrics.increment("revalidated");
            long now = config.clock().millis();
            List<CacheEntry.Header> merged = new ArrayList<>();
            Map<String, List<String>> update = capture.heldHeaders();
            for (CacheEntry.Header h : stored.headers()) {
                if (!update.containsKey(h.name()) || HOP_BY_HOP.contains(h.name().toLowerCase(Locale.ROOT))) {
                    merged.add(h);
                }
            }
            for (Map.Entry<String, List<String>> h : update.entrySet()) {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    for (String v : h.getValue()) {
                        merged.add(new CacheEntry.Header(h.getKey(), v));
                    }
                }
            }
            CachePolicy.StoreDecision d = CachePolicy.storeDecision(rule.mode(), rule.ttl(),
                    rule.staleWhileRevalidateOr(config.staleWhileRevalidate()),
                    rule.staleIfErrorOr(config.staleIfError()), facts, 200, name -> {
                        List<String> values = new ArrayList<>();
                        for (CacheEntry.Header h : merged) {
                            if (h.name().equalsIgnoreCase(name)) {
                                values.add(h.value());
                            }
                        }
                        return values;
                    }, now);
            if (!d.store()) {
                unlock();
                serve(stored, "HIT", now);
                return;
            }
            CacheEntry refreshed = new CacheEntry(200, now, d.initialAgeSeconds(), d.freshnessMillis(), d.swrMillis(),
                    d.sieMillis(), d.mustRevalidate(), List.copyOf(merged), stored.body());
            serve(refreshed, "HIT", now);
            List<String> vary = new ArrayList<>();
            for (CacheEntry.Header h : merged) {
                if (h.name().equalsIgnoreCase("Vary")) {
                    vary.add(h.value());
                }
            }
            save(new Stored(refreshed, RequestHeaders.varyNames(vary), d.retentionMillis(), capture.tags()));
        }

        private void completeAsync(CapturingResponse capture) {
            try {
                save(prepare(capture));
            } catch (RuntimeException e) {
                unlock();
            }
        }

        private void serveStaleForError(CacheEntry stale) throws IOException {
            metrics.increment("stale");
            metrics.increment("stale.if-error");
            serve(stale, "STALE", config.clock().millis());
        }

        /** Decides whether the captured response is stored and builds its entry, or null. */
        private Stored prepare(CapturingResponse capture) {
            long now = config.clock().millis();
            String reason = capture.notStorableReason();
            if (reason == null && capture.setsCookie()) {
                reason = "set-cookie";
            }
            if (reason == null && sessionStarted()) {
                reason = "session";
            }
            CachePolicy.StoreDecision d = null;
            if (reason == null) {
                d = CachePolicy.storeDecision(rule.mode(), rule.ttl(),
                        rule.staleWhileRevalidateOr(config.staleWhileRevalidate()),
                        rule.staleIfErrorOr(config.staleIfError()), facts, capture.getStatus(), capture::headerValues, now);
                reason = d.skipReason();
            }
            byte[] body = reason == null ? capture.body() : null;
            if (reason == null && body == null) {
                reason = "too-large";
            }
            if (reason != null) {
                metrics.increment("store.skipped");
                metrics.increment("store.skipped." + reason);
                unlock();
                return null;
            }
            if (config.generateEtag() && capture.getStatus() == 200 && !capture.released()
                    && capture.headerValues("ETag").isEmpty() && capture.headerValues("Last-Modified").isEmpty()) {
                capture.setHeader("ETag", "\"" + sha256(body) + "\"");
            }
            List<CacheEntry.Header> headers = storedHeaders(capture, d.strippedHeaders());
            List<String> vary = RequestHeaders.varyNames(capture.headerValues("Vary"));
            CacheEntry entry = new CacheEntry(capture.getStatus(), now, d.initialAgeSeconds(), d.freshnessMillis(),
                    d.swrMillis(), d.sieMillis(), d.mustRevalidate(), headers, body);
            return new Stored(entry, vary, d.retentionMillis(), capture.tags());
        }

        private void save(Stored stored) {
            if (stored == null) {
                return;
            }
            byte[] encoded;
            try {
                encoded = EntryCodec.encode(stored.entry);
            } catch (IllegalArgumentException e) { // a header the entry format cannot hold
                metrics.increment("store.skipped");
                metrics.increment("store.skipped.too-large");
                unlock();
                return;
            }
            try {
                rememberVary(urlKey, stored.vary);
                store.store(urlKey, stored.vary, RequestHeaders.varyInputs(req, stored.vary), encoded,
                        stored.retentionMillis,
                        token(), locked ? lockToken : null, stored.tags);
                locked = false;
                metrics.increment("stores");
            } catch (RedisUnavailableException e) {
                metrics.increment("errors");
            }
        }

        private List<CacheEntry.Header> storedHeaders(CapturingResponse capture, List<String> stripped) {
            Set<String> drop = new java.util.HashSet<>(HOP_BY_HOP);
            drop.addAll(stripped);
            for (String v : capture.headerValues("Connection")) {
                for (String n : v.split(",")) {
                    drop.add(n.trim().toLowerCase(Locale.ROOT));
                }
            }
            if (config.cacheStatusHeader() != null) {
                drop.add(config.cacheStatusHeader().toLowerCase(Locale.ROOT));
            }
            List<CacheEntry.Header> out = new ArrayList<>();
            String ct = capture.getContentType();
            if (ct != null) {
                out.add(new CacheEntry.Header("Content-Type", ct));
            }
            for (Map.Entry<String, List<String>> h : capture.heldHeaders().entrySet()) {
                if (!drop.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    for (String v : h.getValue()) {
                        out.add(new CacheEntry.Header(h.getKey(), v));
                    }
                }
            }
            return out;
        }

        private boolean sessionStarted() {
            try {
                HttpSession s = req.getSession(false);
                return s != null && s.isNew();
            } catch (IllegalStateException e) {
                return false; // invalidated during the request
            }
        }

        /** Writes a stored response: headers, computed Age, status header, then 304 / HEAD / body. */
        private void serve(CacheEntry e, String label, long now) throws IOException {
            boolean notModified = e.status() == 200 && CachePolicy.notModified(e, RequestHeaders.list(req.getHeaders("If-None-Match")),
                    req.getHeader("If-Modified-Since"));
            res.setStatus(notModified ? HttpServletResponse.SC_NOT_MODIFIED : e.status());
            for (CacheEntry.Header h : e.headers()) {
                if (notModified && !NOT_MODIFIED_HEADERS.contains(h.name().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (h.name().equalsIgnoreCase("Content-Type")) {
                    res.setContentType(h.value());
                } else {
                    res.addHeader(h.name(), h.value());
                }
            }
            res.setHeader("Age", Long.toString(e.ageSeconds(now)));
            status(label);
            if (notModified) {
                return;
            }
            res.setContentLength(e.body().length);
            if (facts.method().equals("GET") && e.body().length > 0) {
                res.getOutputStream().write(e.body());
            }
        }

        private void redisDown() throws IOException, ServletException {
            metrics.increment("errors");
            if (config.failureMode() == ResponseCacheConfig.FailureMode.CLOSED) {
                res.setHeader("Retry-After", "5");
                ProblemResponse.send(res, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Cache unavailable",
                        "The response cache cannot reach its store.", null);
                return;
            }
            metrics.increment("bypass");
            metrics.increment("bypass.redis-down");
            status("BYPASS");
            chain.doFilter(req, res);
        }

        private boolean tryLock() {
            if (lockToken == null) {
                return false;
            }
            if (locked) {
                return true;
            }
            try {
                locked = store.tryLock(urlKey, lockToken, config.lockTimeout().toMillis());
            } catch (RedisUnavailableException e) {
                metrics.increment("errors");
                return false;
            }
            return locked;
        }

        private void unlock() {
            if (locked) {
                locked = false;
                try {
                    store.unlock(urlKey, lockToken);
                } catch (RedisUnavailableException e) {
                    metrics.increment("errors"); // the lock expires by itself
                }
            }
        }

        private void status(String value) {
            if (config.cacheStatusHeader() != null) {
                res.setHeader(config.cacheStatusHeader(), value);
            }
        }
    }

    private record Stored(CacheEntry entry, List<String> vary, long retentionMillis, List<String> tags) {
    }

    private CacheEntry decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return EntryCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            metrics.increment("errors.decode"); // written by another version: a miss, overwritten by the next store
            return null;
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

    private void rememberVary(String urlKey, List<String> names) {
        if (varyHints.size() >= 10_000) {
            varyHints.clear(); // a hint is only an optimisation: start over rather than grow
        }
        varyHints.put(urlKey, names);
    }

    /**
     * A lock-owner token or a variants nonce: unique, not secret (nobody gains from guessing it), so
     * a thread-local generator is enough and keeps SecureRandom off the hit path.
     */
    private static String token() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
