package io.github.redisfilters.cache;

import io.github.redisfilters.internal.web.RequestCookies;
import io.github.redisfilters.internal.web.RequestPaths;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receive state (Varnish's {@code vcl_recv}): what the cache does with a request — nothing
 * (other methods, uncovered paths), invalidate after it (unsafe methods), bypass it (personal or
 * suspicious requests), or look it up — and, for a lookup, its plan, derived from the request
 * alone so that another of the library's filters may send it early.
 */
final class Receiver {
    /** Request headers that make origins render something other than the URL says (poisoning vectors). */
    private static final List<String> REWRITE_HEADERS = List.of("X-Original-URL", "X-Rewrite-URL",
            "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    /** What the cache does with a request. */
    enum Kind { UNSAFE, IGNORE, BYPASS, LOOKUP }

    /**
     * What a request was received as: for {@code BYPASS} the reason, for {@code LOOKUP} its rule,
     * lookup plan and what it says about itself (null elsewhere).
     */
    record Received(Kind kind, String reason, ResponseCacheConfig.Rule rule, CacheStore.Lookup lookup,
            CachePolicy.RequestFacts facts) {
        static Received of(Kind kind) {
            return new Received(kind, null, null, null, null);
        }
    }

    private final ResponseCacheConfig config;
    private final ServletAnnotations annotations;
    private final CacheKeys keys;
    private final CacheStore store;
    private final VaryHints varyHints = new VaryHints();
    /** Request attribute holding what the filter received the request as ({@link ReceivedFor}). */
    private final String attribute;
    /** Lock tokens of this filter: this, then a number per request (see {@link #receive}). */
    private final String tokenSalt = Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
    private final AtomicLong tokens = new AtomicLong();

    Receiver(ResponseCacheConfig config, ServletAnnotations annotations, CacheKeys keys, CacheStore store, String filterName) {
        this.config = config;
        this.annotations = annotations;
        this.keys = keys;
        this.store = store;
        this.attribute = ResponseCacheFilter.class.getName() + ".received." + filterName;
    }

    /**
     * Receives a request. In a batch ({@code batched}), once per request object: another of our
     * filters that planned this lookup early saw the same object, unless a filter in between
     * wrapped the request (then it is received again, with the same miss-lock token, so to the
     * same plan). The token names the request among all in flight: this filter's salt and a number.
     */
    Received receive(HttpServletRequest req, boolean batched) {
        if (!batched || req.getDispatcherType() != DispatcherType.REQUEST) {
            return receiveNow(req, null); // alone, nobody planned early; a forward or include changes the paths
        }
        Object memo = req.getAttribute(attribute); // wrappers pass attributes through: seen whoever set it
        String token = null;
        if (memo instanceof ReceivedFor r) {
            if (r.request == req) {
                return r.received;
            }
            token = r.received.lookup() == null ? null : r.received.lookup().lockToken();
        }
        Received received = receiveNow(req, token);
        req.setAttribute(attribute, new ReceivedFor(req, received));
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

    private Received receiveNow(HttpServletRequest req, String earlierToken) {
        String method = req.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Received.of(method.equals("OPTIONS") || method.equals("TRACE") ? Kind.IGNORE : Kind.UNSAFE);
        }
        ResponseCacheConfig.Rule rule = ruleFor(req);
        if (!cached(rule)) {
            return Received.of(Kind.IGNORE);
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
            return new Received(Kind.BYPASS, bypass, rule, null, facts);
        }
        String urlKey = keys.urlKey(req.getRequestURI(), req.getContextPath(), req.getQueryString());
        String token = !method.equals("GET") || !config.coalesceMisses() ? null
                : earlierToken != null ? earlierToken : tokenSalt + Long.toHexString(tokens.incrementAndGet());
        return new Received(Kind.LOOKUP, null, rule, lookupPlan(req, urlKey, token, false), facts);
    }

    /** The lookup of a URL, sending only the request headers it was last seen to vary on when known. */
    CacheStore.Lookup lookupPlan(HttpServletRequest req, String urlKey, String token, boolean allHeaders) {
        List<String> hint = allHeaders ? null : varyHints.get(urlKey);
        return store.new Lookup(urlKey, hint == null ? RequestHeaders.varyInputs(req) : RequestHeaders.varyInputs(req, hint),
                hint == null, token, config.lockTimeout().toMillis());
    }

    VaryHints varyHints() {
        return varyHints;
    }

    /** The request's rule: its servlet's annotation, else the first matching path rule; null for none. */
    ResponseCacheConfig.Rule ruleFor(HttpServletRequest req) {
        Optional<ResponseCacheConfig.Rule> own = annotations.ruleFor(req);
        return own.isPresent() ? own.get() : config.ruleFor(RequestPaths.applicationPath(req));
    }

    /** Whether a rule caches (not none, not {@link NoCache}). */
    static boolean cached(ResponseCacheConfig.Rule rule) {
        return rule != null && rule != ServletAnnotations.NO_CACHE;
    }

    private CachePolicy.RequestFacts facts(HttpServletRequest req) {
        return new CachePolicy.RequestFacts(req.getMethod(), req.getHeader("Authorization") != null,
                hasSession(req), CacheControl.parse(req.getHeaders("Cache-Control")),
                RequestHeaders.containsToken(req.getHeaders("Pragma"), "no-cache"));
    }

    private boolean hasSession(HttpServletRequest req) {
        if (req.getRequestedSessionId() != null) {
            return true; // whatever the cookie is called (or a URL-rewritten id)
        }
        return RequestCookies.has(req, config.sessionCookies()); // no Cookie objects built
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
