package io.github.redisfilters.cache;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.web.ProblemResponse;
import io.github.redisfilters.internal.web.SessionSignals;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@code GET}/{@code HEAD} request through the cache, from its lookup's replies to delivery:
 * {@link #lookup} turns the replies into a {@link Found} state, and {@link #hit}, {@link #miss}
 * or {@link #pass} handle it. {@link ResponseCacheFilter#doFilter} shows the order.
 */
final class CacheExchange {
    /** Where the lookup leads. */
    enum State { HIT, STALE, REFRESH, MISS, PASS }

    /**
     * @param entry for HIT/STALE/REFRESH the entry to serve; for MISS a stored entry the origin may validate
     * @param stale for MISS an entry to serve if the origin fails (stale-if-error) or null; for
     *              REFRESH the entry the origin may validate in the background, or null
     */
    record Found(State state, CacheEntry entry, CacheEntry stale) {
    }

    private final ResponseCacheFilter filter;
    private final Receiver receiver;
    private final ResponseCacheConfig config;
    private final CacheStore store;
    private final FilterMetrics metrics;
    private final HttpServletRequest req;
    private final HttpServletResponse res;
    private final FilterChain chain;
    private final ResponseCacheConfig.Rule rule;
    private final CachePolicy.RequestFacts facts;
    private final String urlKey;
    private final String lockToken;
    private final boolean get;
    private boolean locked;
    private boolean passing;
    /** The stale entry may replace only an unreachable origin (502, 504, an exception), not any error. */
    private boolean staleOnlyIfDisconnected;
    /** A background refresh: the client was answered already, nothing more is sent to it. */
    private boolean background;
    /**
     * Redis time (µs) before this render began, compared with invalidations when it is stored: from
     * the lookup when it found no entry, else read by {@link #fetch} (-1 until known).
     */
    private long lookupMicros = -1;
    private String generations = "";

    CacheExchange(ResponseCacheFilter filter, Receiver.Received received, HttpServletRequest req, HttpServletResponse res,
            FilterChain chain) {
        this.filter = filter;
        this.receiver = filter.receiver();
        this.config = filter.config();
        this.store = filter.store();
        this.metrics = filter.metrics();
        this.req = req;
        this.res = res;
        this.chain = chain;
        this.rule = received.rule();
        this.facts = received.facts();
        this.urlKey = received.lookup().urlKey;
        this.lockToken = received.lookup().lockToken();
        this.get = req.getMethod().equals("GET");
    }

    // ----- lookup

    /** Decides the state from the lookup's replies (re-asking Redis only in the rare cases below). */
    Found lookup(CacheStore.Found r) {
        r = settle(r);
        CacheEntry entry = usable(r);
        if (entry == null && r.pass()) {
            return new Found(State.PASS, null, null);
        }
        if (entry == null && r.entry() != null && lockToken != null && !locked) {
            lock(lockToken); // a purged entry: render it again
        }
        if (entry == null && lockToken != null && !locked) {
            Found waited = awaitOtherRender();
            if (waited != null) {
                return waited;
            }
            entry = null;
        }
        if (entry == null) {
            return new Found(State.MISS, null, null);
        }
        // a stored response the origin can validate instead of rendering it again; an async
        // origin's 304 is held too and answered from the entry when it completes
        CacheEntry validatable = CachePolicy.validatable(entry) ? entry : null;
        long now = config.clock().millis();
        return switch (CachePolicy.reuse(entry, now, rule.mode(), facts)) {
            case FRESH -> new Found(State.HIT, entry, null);
            case STALE_ACCEPTED -> new Found(State.STALE, entry, null);
            // every request gets the stale copy at once; the one (across servers) that takes the
            // lock then refreshes it in the background
            case STALE_WHILE_REVALIDATE -> get && tryLock() ? new Found(State.REFRESH, entry, validatable)
                    : new Found(State.STALE, entry, null);
            case STALE_IF_ERROR -> new Found(State.MISS, validatable, entry);
            case STALE_IF_DISCONNECTED -> {
                staleOnlyIfDisconnected = true;
                yield new Found(State.MISS, validatable, entry);
            }
            case UNUSABLE -> new Found(State.MISS, validatable, null);
        };
    }

    /** Repeats the lookup with every header when the URL started varying on one not sent; remembers Vary names. */
    private CacheStore.Found settle(CacheStore.Found r) {
        if (r.retryWithAllHeaders()) {
            receiver.varyHints().forget(urlKey);
            r = store.lookup(receiver.lookupPlan(req, urlKey, lockToken, true));
        }
        if (r.varyNames() != null) {
            receiver.varyHints().remember(urlKey, r.varyNames());
        }
        locked = r.locked();
        if (r.redisMicros() >= 0) {
            lookupMicros = r.redisMicros();
        }
        generations = r.generations();
        return r;
    }

    /** The stored entry, unless there is none, it cannot be read, or a prefix purge hid it. */
    private CacheEntry usable(CacheStore.Found r) {
        CacheEntry e = decode(r.entry());
        return e != null && e.generations().equals(r.generations()) ? e : null;
    }

    /** Polls for the entry another server is rendering, bounded by {@code coalesceWait}; null = render. */
    private Found awaitOtherRender() {
        long deadline = System.nanoTime() + config.coalesceWait().toNanos();
        long pause = 10_000_000L;
        while (System.nanoTime() < deadline) {
            LockSupport.parkNanos(Math.min(pause, Math.max(0, deadline - System.nanoTime())));
            pause = Math.min(pause * 2, 100_000_000L);
            CacheStore.Found r = settle(store.lookup(receiver.lookupPlan(req, urlKey, lockToken, false)));
            CacheEntry e = usable(r);
            if (e != null) {
                metrics.increment("coalesced");
                return CachePolicy.reuse(e, config.clock().millis(), rule.mode(), facts) == CachePolicy.Reuse.FRESH
                        ? new Found(State.HIT, e, null) : new Found(State.MISS, null, null);
            }
            if (r.pass()) {
                return new Found(State.PASS, null, null);
            }
            if (locked) {
                return null;
            }
        }
        metrics.increment("coalesce.timeouts");
        return null;
    }

    // ----- hit

    /**
     * {@code stale-while-revalidate}: answers with the stale entry at once, then, with the client
     * served, renders the origin into a detached response on this thread and stores the result
     * (or refreshes the entry from a 304).
     */
    void refresh(CacheEntry stale, CacheEntry validatable) throws IOException {
        hit(stale, "STALE");
        res.flushBuffer();
        background = true;
        try {
            fetch(null, validatable);
        } catch (IOException | ServletException | RuntimeException e) {
            release(0); // the client has its answer; the next request after the lock expires tries again
        }
    }

    /** Serves a stored entry (fresh, or stale where allowed). */
    void hit(CacheEntry entry, String label) throws IOException {
        metrics.increment(label.equals("HIT") ? "hits" : "stale");
        serve(entry, label, config.clock().millis());
    }

    // ----- miss and pass

    /** Renders once (this request holds the miss lock, or nobody could take it) and stores what may be stored. */
    void miss(CacheEntry validatable, CacheEntry stale) throws IOException, ServletException {
        metrics.increment("misses");
        filter.status(res, "MISS");
        if (CachePolicy.onlyIfCached(rule.mode(), facts)) {
            release(0);
            res.sendError(HttpServletResponse.SC_GATEWAY_TIMEOUT);
            return;
        }
        if (!get) {
            chain.doFilter(req, res); // HEAD cannot fill the cache: it has no body
            return;
        }
        fetch(stale, validatable);
    }

    /** The URL was answered uncacheable a moment ago: straight to the origin, no lock, no waiting. */
    void pass() throws IOException, ServletException {
        metrics.increment("misses");
        metrics.increment("hit-for-pass");
        filter.status(res, "MISS");
        passing = true;
        if (!get) {
            chain.doFilter(req, res);
            return;
        }
        fetch(null, null);
    }

    private void fetch(CacheEntry stale, CacheEntry validatable) throws IOException, ServletException {
        if (lookupMicros < 0) {
            try {
                lock(null); // the lookup found an entry, so it did not read the time
            } catch (RedisUnavailableException e) {
                metrics.increment("errors"); // render all the same; without a start time nothing is stored
            }
        }
        CapturingResponse capture = new CapturingResponse(background ? new DetachedResponse(res) : res,
                config.maxEntrySize(), config.tagHeader());
        capture.holdServerErrors(stale != null);
        UnconditionalRequest originRequest = new UnconditionalRequest(req, validatable);
        try {
            chain.doFilter(originRequest, capture);
        } catch (IOException | ServletException | RuntimeException e) {
            release(0);
            if (stale != null && !capture.released()) {
                capture.discard();
                serveStaleForError(stale);
                return;
            }
            throw e;
        }
        if (req.isAsyncStarted()) {
            HookedAsyncContext async = originRequest.hookedAsync();
            if (async == null) {
                // async started around the cache's request wrapper: let everything through, store on completion
                capture.release();
                req.getAsyncContext().addListener(new AsyncListener() {
                    public void onComplete(AsyncEvent event) {
                        save(prepare(capture));
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
            // the origin completes later, on its own thread: the held response is finished then
            async.addListener(new AsyncListener() {
                public void onComplete(AsyncEvent event) {
                    release(0); // a lock left by a cycle that ended without our hook (timeout, error)
                }
                public void onTimeout(AsyncEvent event) throws IOException {
                    capture.release();
                }
                public void onError(AsyncEvent event) throws IOException {
                    capture.release();
                }
                public void onStartAsync(AsyncEvent event) { }
            });
            async.hook(() -> {
                try {
                    originDone(capture, originRequest, stale, validatable);
                } catch (IOException e) {
                    release(0);
                }
            }, () -> {
                try {
                    capture.release();
                } catch (IOException e) {
                    release(0);
                }
            });
            return;
        }
        originDone(capture, originRequest, stale, validatable);
    }

    /** The origin has answered (synchronously, or as its async cycle completes): revalidated, stale, or stored. */
    private void originDone(CapturingResponse capture, UnconditionalRequest originRequest, CacheEntry stale,
            CacheEntry validatable) throws IOException {
        if (originRequest.conditional() && !capture.released() && capture.getStatus() == HttpServletResponse.SC_NOT_MODIFIED) {
            revalidated(validatable, capture);
            return;
        }
        if (stale != null && !capture.released() && originFailed(capture)) {
            capture.discard();
            release(0);
            serveStaleForError(stale);
            return;
        }
        if (capture.heldError() && !capture.released()) {
            capture.discard(); // held for a stale entry that may not stand in for this error
            release(0);
            res.sendError(capture.getStatus());
            return;
        }
        Stored stored = prepare(capture);
        if (stored != null && !capture.released() && stored.entry.status() == 200
                && CachePolicy.notModified(stored.entry, RequestHeaders.values(req, "If-None-Match"),
                        req.getHeader("If-Modified-Since"))) {
            capture.discard();
            serve(stored.entry, "MISS", config.clock().millis());
        } else {
            capture.finish();
        }
        save(stored);
    }

    /** Whether the origin's answer lets a stale entry stand in: any 5xx error, or only an unreachable origin. */
    private boolean originFailed(CapturingResponse capture) {
        if (staleOnlyIfDisconnected) {
            return CachePolicy.isUnreachable(capture.getStatus());
        }
        return capture.heldError() || CachePolicy.isError(capture.getStatus());
    }

    /**
     * The origin confirmed the stored response (304): update its headers from the 304
     * (RFC 9111 §4.3.4), serve it, and store it with a fresh lifetime when still storable.
     */
    private void revalidated(CacheEntry stored, CapturingResponse capture) throws IOException {
        capture.discard();
        metrics.increment("revalidated");
        long now = config.clock().millis();
        List<CacheEntry.Header> merged = StoredHeaders.merge(stored.headers(), capture.heldHeaders());
        CachePolicy.StoreDecision d = CachePolicy.storeDecision(rule.mode(), rule.ttl(),
                rule.staleWhileRevalidateOr(config.staleWhileRevalidate()),
                rule.staleIfErrorOr(config.staleIfError()), facts, 200, name -> StoredHeaders.values(merged, name), now);
        if (!d.store()) {
            release(0);
            serve(stored, "HIT", now);
            return;
        }
        CacheEntry refreshed = new CacheEntry(200, now, d.initialAgeSeconds(), d.freshnessMillis(), d.swrMillis(),
                d.sieMillis(), d.mustRevalidate(), List.copyOf(merged), stored.body());
        serve(refreshed, "HIT", now);
        save(new Stored(refreshed, RequestHeaders.varyNames(StoredHeaders.values(merged, "Vary")), retention(d),
                capture.tags()));
    }

    private void serveStaleForError(CacheEntry stale) throws IOException {
        metrics.increment("stale");
        metrics.increment("stale.if-error");
        serve(stale, "STALE", config.clock().millis());
    }

    /** Decides whether the captured response is stored and builds its entry, or null (then marks hit-for-pass). */
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
            d = CachePolicy.storeDecision(rule.mode(), rule.ttl(), rule.staleWhileRevalidateOr(config.staleWhileRevalidate()),
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
            // followers skip the lock for a while; a request that came through hit-for-pass leaves the mark as it is
            release(passing ? -1 : config.hitForPass().toMillis());
            return null;
        }
        if (config.generateEtag() && capture.getStatus() == 200 && !capture.released()
                && capture.headerValues("ETag").isEmpty() && capture.headerValues("Last-Modified").isEmpty()) {
            capture.setHeader("ETag", StoredHeaders.generatedEtag(body));
        }
        List<CacheEntry.Header> headers = StoredHeaders.select(capture.getContentType(), capture.heldHeaders(),
                capture.headerValues("Connection"), d.strippedHeaders(), config.cacheStatusHeader());
        List<String> vary = RequestHeaders.varyNames(capture.headerValues("Vary"));
        CacheEntry entry = new CacheEntry(capture.getStatus(), now, d.initialAgeSeconds(), d.freshnessMillis(),
                d.swrMillis(), d.sieMillis(), d.mustRevalidate(), headers, body);
        return new Stored(entry, vary, retention(d), capture.tags());
    }

    /**
     * How long Redis keeps an entry: until its freshness and stale allowances end, plus in
     * standard mode the {@code grace}, so a stale entry can still be revalidated (a 304 then
     * refreshes it) or stand in for an unreachable origin.
     */
    private long retention(CachePolicy.StoreDecision d) {
        return d.retentionMillis() + (rule.mode() == CacheMode.STANDARD ? config.grace().toMillis() : 0);
    }

    /** The store round trip (two with tags); refused by Redis when the URL was invalidated since the lookup. */
    private void save(Stored stored) {
        if (stored == null) {
            return;
        }
        if (lookupMicros < 0) { // Redis failed when the render began: it cannot be checked against invalidations
            release(0);
            return;
        }
        byte[] encoded;
        try {
            encoded = EntryCodec.encode(stored.entry.withGenerations(generations));
        } catch (IllegalArgumentException e) { // a header the entry format cannot hold
            metrics.increment("store.skipped");
            metrics.increment("store.skipped.too-large");
            release(0);
            return;
        }
        try {
            receiver.varyHints().remember(urlKey, stored.vary);
            String token = locked ? lockToken : null;
            CacheStore.Store plan = store.new Store(urlKey, stored.vary, RequestHeaders.varyInputs(req, stored.vary), encoded,
                    stored.retentionMillis, token, lookupMicros);
            boolean done = stored.tags.isEmpty() ? store.store(plan)
                    : store.storeTagged(store.new TagIndex(urlKey, stored.tags, stored.retentionMillis, lookupMicros), plan,
                            store.new Release(urlKey, token, 0));
            locked = false;
            metrics.increment(done ? "stores" : "store.refused");
        } catch (RedisUnavailableException e) {
            metrics.increment("errors");
        }
    }

    private boolean sessionStarted() {
        Boolean signalled = SessionSignals.startedHere(req); // our session filter: no load from Redis
        if (signalled != null) {
            return signalled;
        }
        try {
            HttpSession s = req.getSession(false);
            return s != null && s.isNew();
        } catch (IllegalStateException e) {
            return false; // invalidated during the request
        }
    }

    // ----- deliver

    /** Delivers a stored response to the client (nothing for a background refresh: the client has its answer). */
    private void serve(CacheEntry e, String label, long now) throws IOException {
        if (!background) {
            Delivery.write(e, req, res, now, config.cacheStatusHeader(), label);
        }
    }

    /** Redis failed during the lookup: the failure mode decides. */
    void redisDown() throws IOException, ServletException {
        metrics.increment("errors");
        if (config.failureMode() == ResponseCacheConfig.FailureMode.CLOSED) {
            res.setHeader("Retry-After", Long.toString(Math.max(1, (config.retryAfter().toMillis() + 999) / 1000)));
            ProblemResponse.send(res, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Cache unavailable",
                    "The response cache cannot reach its store.", null);
            return;
        }
        metrics.increment("bypass");
        metrics.increment("bypass.redis-down");
        filter.status(res, "BYPASS");
        chain.doFilter(req, res);
    }

    private boolean tryLock() {
        if (lockToken == null) {
            return false;
        }
        if (!locked) {
            try {
                lock(lockToken);
            } catch (RedisUnavailableException e) {
                metrics.increment("errors");
            }
        }
        return locked;
    }

    /** Takes the miss lock ({@code token} null: only reads the time) and starts this render's clock. */
    private void lock(String token) {
        CacheStore.Locked l = store.tryLock(urlKey, token, config.lockTimeout().toMillis());
        locked = locked || l.locked();
        lookupMicros = l.redisMicros();
    }

    /**
     * Releases the miss lock if held and, for {@code passMillis} &gt; 0, marks the URL hit-for-pass;
     * a negative value or nothing to do sends nothing.
     */
    private void release(long passMillis) {
        boolean mark = passMillis > 0 && get;
        if (!locked && !mark) {
            return;
        }
        String token = locked ? lockToken : null;
        locked = false;
        try {
            store.release(urlKey, token, mark ? passMillis : 0);
        } catch (RedisUnavailableException e) {
            metrics.increment("errors"); // the lock expires by itself
        }
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

    private record Stored(CacheEntry entry, List<String> vary, long retentionMillis, List<String> tags) {
    }

}
