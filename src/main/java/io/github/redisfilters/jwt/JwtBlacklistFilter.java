package io.github.redisfilters.jwt;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.internal.client.ReadPlan;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.runtime.FilterRuntime;
import io.github.redisfilters.internal.web.ProblemResponse;
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
 * Rejects requests whose bearer token has been revoked, on every server of the application at
 * once, with one Redis round trip per request.
 *
 * <p>For each request it finds the bearer token ({@code Authorization: Bearer}, optionally a
 * cookie or an explicitly enabled query parameter), reads {@code jti}, {@code sub}, {@code iat}
 * and {@code exp} from the payload, and answers 401 with {@code WWW-Authenticate: Bearer
 * error="invalid_token"} when the token is malformed, expired ({@code exp + clockSkew} past),
 * rejected by the configured {@link TokenVerifier}, blacklisted by id, or issued at or before its
 * subject's "revoked before" watermark. Requests without a token pass (or get 401 with
 * {@code required=true}). Revocation goes through {@link TokenBlacklist}, which the filter puts in
 * the context attribute {@link TokenBlacklist#CONTEXT_ATTRIBUTE}.
 *
 * <p><b>This filter does not verify signatures</b> unless a {@link TokenVerifier} is configured:
 * without one, a request that passes carries a token that is not revoked, not one that is
 * authentic. The application must still authenticate the token.
 *
 * <p>When Redis cannot be asked, {@code failureMode} decides: {@code closed} (default) answers 503
 * with {@code Retry-After} for requests that carry a token; {@code open-safe-methods} lets
 * GET/HEAD/OPTIONS/TRACE through; {@code open} lets everything through. Requests without a token
 * never need Redis. See {@link JwtBlacklistConfig} for every init-param.
 *
 * <p>Counters: {@code checked} (Redis lookups), {@code revoked}, {@code malformed}, {@code errors}
 * (Redis failures), {@code expired}, {@code missing} (401 for a required token),
 * {@code verifier.rejected}, {@code failed.open} (passed unchecked because Redis failed).
 */
public class JwtBlacklistFilter implements Filter {
    private volatile JwtBlacklistConfig config;
    private FilterRuntime runtime;
    private TokenBlacklist blacklist;
    private BearerTokenExtractor extractor;
    private FilterMetrics metrics;
    private String challengePrefix;
    private ServletContext context;
    private String namedAttribute;
    private RequestBatch.Member member;
    /** Tokens recently parsed (bounded; expiry and Redis are still checked on every request). */
    private final ParsedTokens tokens = new ParsedTokens(this::parse);
    /** Request attribute holding this filter's {@link Inspected} token. */
    private String inspectedAttribute;

    /** For web.xml and {@code @WebFilter}: reads {@link JwtBlacklistConfig#fromInitParams}. */
    public JwtBlacklistFilter() {
    }

    /** For programmatic registration with a ready configuration (init-params are then ignored). */
    public JwtBlacklistFilter(JwtBlacklistConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        JwtBlacklistConfig c = config != null ? config : JwtBlacklistConfig.fromInitParams(filterConfig);
        config = c;
        runtime = FilterRuntime.start(filterConfig, "jwt", c.redisSettings(), c, "checked", "revoked", "missing", "malformed",
                "expired", "verifier.rejected", "errors", "failed.open");
        metrics = runtime.metrics();
        runtime.redis().persistence().watch();
        blacklist = new TokenBlacklist(runtime.redis(), runtime.keyPrefix(), c.clockSkew(), c.maxTokenLifetime(), c.clock());
        extractor = new BearerTokenExtractor(c.cookieName(), c.queryParameter(), c.maxTokenSize());
        challengePrefix = c.realm() == null ? "Bearer" : "Bearer realm=\"" + c.realm() + "\"";
        context = filterConfig.getServletContext();
        namedAttribute = TokenBlacklist.CONTEXT_ATTRIBUTE + "." + filterConfig.getFilterName();
        context.setAttribute(namedAttribute, blacklist);
        inspectedAttribute = JwtBlacklistFilter.class.getName() + ".inspected." + filterConfig.getFilterName();
        member = runtime.joinBatch(this::planFor); // a pure read: any earlier filter of ours may send it
        synchronized (context) {
            if (context.getAttribute(TokenBlacklist.CONTEXT_ATTRIBUTE) == null) {
                context.setAttribute(TokenBlacklist.CONTEXT_ATTRIBUTE, blacklist);
            }
        }
    }

    /** The blacklist of this filter (after {@code init}). */
    public TokenBlacklist blacklist() {
        return blacklist;
    }

    /** The effective configuration (after {@code init}). */
    public JwtBlacklistConfig config() {
        return config;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        try (RequestBatch.Scope batch = RequestBatch.enter(request, member)) {
            Inspection found = inspect(request);                        // plan
            if (found instanceof Reject r) {
                metrics.increment(r.counter());
                if (r.status() == 401 && r.error() == null) {
                    response.setHeader("WWW-Authenticate", challengePrefix);
                    ProblemResponse.send(response, 401, "Unauthorized", r.description(), null);
                } else {
                    reject(response, r.status(), r.error(), r.description());
                }
                return;
            }
            if (!(found instanceof Check check)) {
                chain.doFilter(request, response);                      // no token, not required
                return;
            }
            TokenVerifier verifier = config.verifier();
            if (verifier != null && !verified(verifier, check.token())) {
                metrics.increment("verifier.rejected");
                reject(response, 401, "invalid_token", "token verification failed");
                return;
            }
            BlacklistCheck.Verdict verdict;
            try {
                verdict = batch.read(check.plan());                     // read
            } catch (RedisUnavailableException e) {
                // The breaker logs once per outage; nothing is logged per request.
                metrics.increment("errors");
                if (failsOpen(request.getMethod())) {
                    metrics.increment("failed.open");
                    chain.doFilter(request, response);
                } else {
                    unavailable(response);
                }
                return;
            }
            metrics.increment("checked");                               // decide and act
            runtime.redis().persistence().checkIfDue(); // revocations must outlive a Redis restart: say when they cannot
            if (verdict != BlacklistCheck.Verdict.NOT_REVOKED) {
                metrics.increment("revoked");
                reject(response, 401, "invalid_token", "token revoked");
                return;
            }
            chain.doFilter(request, response);
        }
    }

    /** What the request's token (or its absence) calls for, before Redis is asked. */
    private sealed interface Inspection permits NoToken, Reject, Check {
    }

    private record NoToken() implements Inspection {
    }

    /** Answer without Redis: {@code error} null means a bare challenge (token required but absent). */
    private record Reject(int status, String error, String description, String counter) implements Inspection {
    }

    private record Check(String token, BlacklistCheck plan) implements Inspection {
    }

    private static final NoToken NO_TOKEN = new NoToken();

    /** A token and what it called for, kept on the request (a plain class: compared by token only). */
    private static final class Inspected {
        final String token;
        final Inspection inspection;

        Inspected(String token, Inspection inspection) {
            this.token = token;
            this.inspection = inspection;
        }
    }

    /**
     * What the request's token calls for. Parsed once per request and token: when another of our
     * filters planned this filter's lookup early, the claims it parsed are reused here (the token
     * must be the same string, so a filter in between that changed it is seen).
     */
    private Inspection inspect(HttpServletRequest request) {
        BearerTokenExtractor.Result found = extractor.extract(request);
        if (found instanceof BearerTokenExtractor.Found f) {
            Object memo = request.getAttribute(inspectedAttribute);
            if (memo instanceof Inspected i && i.token.equals(f.token())) {
                return i.inspection;
            }
            Inspection result = inspect(f.token());
            request.setAttribute(inspectedAttribute, new Inspected(f.token(), result));
            return result;
        }
        if (found instanceof BearerTokenExtractor.NoToken) {
            return config.required() ? new Reject(401, null, "a bearer token is required", "missing") : NO_TOKEN;
        }
        if (found instanceof BearerTokenExtractor.Invalid invalid) {
            return invalid.invalidRequest() ? new Reject(400, "invalid_request", invalid.description(), "malformed")
                    : new Reject(401, "invalid_token", invalid.description(), "malformed");
        }
        throw new IllegalStateException("unknown extraction result " + found);
    }

    private Inspection inspect(String token) {
        ParsedTokens.Parsed p = tokens.get(token);
        if (p.malformed() != null) {
            return new Reject(401, "invalid_token", p.malformed(), "malformed");
        }
        Long exp = p.claims().expiresAt();
        if (exp != null && exp + config.clockSkew().toSeconds() < config.clock().instant().getEpochSecond()) {
            return new Reject(401, "invalid_token", "token expired", "expired");
        }
        return new Check(token, p.plan());
    }

    private ParsedTokens.Parsed parse(String token) {
        try {
            JwtClaims claims = JwtClaims.parse(token);
            return new ParsedTokens.Parsed(claims, BlacklistCheck.plan(blacklist.keys(), claims, token), null);
        } catch (MalformedTokenException e) {
            return new ParsedTokens.Parsed(null, null, e.getMessage());
        }
    }

    /** The lookup this filter would send for {@code request}, for the request batch (null: none). */
    private ReadPlan<?> planFor(HttpServletRequest request) {
        return inspect(request) instanceof Check c ? c.plan() : null;
    }

    private static boolean verified(TokenVerifier verifier, String token) {
        try {
            return verifier.verify(token);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean failsOpen(String method) {
        return switch (config.failureMode()) {
            case OPEN -> true;
            case OPEN_SAFE_METHODS -> "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
                    || "TRACE".equals(method);
            case CLOSED -> false;
        };
    }

    private void reject(HttpServletResponse response, int status, String error, String description) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        String safe = quotable(description);
        response.setHeader("WWW-Authenticate", challengePrefix + (challengePrefix.equals("Bearer") ? " " : ", ")
                + "error=\"" + error + "\", error_description=\"" + safe + "\"");
        ProblemResponse.send(response, status, status == 400 ? "Bad Request" : "Unauthorized", safe, null);
    }

    private void unavailable(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        long seconds = Math.max(1, (config.retryAfter().toMillis() + 999) / 1000);
        response.setHeader("Retry-After", Long.toString(seconds));
        ProblemResponse.send(response, 503, "Service Unavailable",
                "token revocation cannot be checked right now; retry later", null);
    }

    /** Keeps only the characters RFC 6750 §3 allows in {@code error_description}. */
    static String quotable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public void destroy() {
        if (context != null) {
            context.removeAttribute(namedAttribute);
            synchronized (context) {
                if (context.getAttribute(TokenBlacklist.CONTEXT_ATTRIBUTE) == blacklist) {
                    context.removeAttribute(TokenBlacklist.CONTEXT_ATTRIBUTE);
                }
            }
        }
        if (runtime != null) {
            runtime.close();
        }
    }
}
