package io.github.redisfilters.session;

import io.github.redisfilters.config.CidrRange;
import io.github.redisfilters.config.PathPattern;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.runtime.FilterRuntime;
import io.github.redisfilters.internal.web.ClientAddressResolver;
import io.github.redisfilters.internal.web.OnCommitResponseWrapper;
import io.github.redisfilters.internal.web.ProblemResponse;
import io.github.redisfilters.internal.web.RequestPaths;
import io.github.redisfilters.internal.web.SessionSignals;
import io.github.redisfilters.internal.web.TrustedProxies;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Replaces the container's {@code HttpSession} with one stored in Redis, so any server of a
 * cluster can serve any request. Declare it FIRST in the filter chain: it must wrap everything
 * that touches the session or may commit the response.
 *
 * <p>Per request: the session is loaded lazily, in one round trip, the first time the application
 * asks for it (which also extends its expiry); requests that may write (by default every method
 * but GET, HEAD, OPTIONS and TRACE) take the session's write lock inside that load, so two of them
 * never read-modify-write the same session at once. Changes are written as deltas in one more
 * round trip just before the response commits (every commit path is caught), which also releases
 * the lock, and again, if anything changed later, when the chain returns. While Redis is
 * unavailable, or another request held the lock for longer than {@code lockWait}, requests that
 * need their session get {@code 503} with {@code Retry-After} — never a local session that would
 * fork data. A save that would exceed {@code maxSessionSize} writes nothing and answers {@code 413}.
 *
 * <p>Init-params are listed in {@link RedisSessionConfig}. The application reaches the
 * {@link RedisSessions} API (find / invalidate the sessions of a user) through the context
 * attribute {@link RedisSessions#CONTEXT_ATTRIBUTE} or {@link RedisSessions#from}.
 */
public class RedisSessionFilter implements Filter {
    private RedisSessionConfig config;
    private FilterRuntime runtime;
    private SessionStore store;
    private RedisSessions api;
    private RequestBatch.Member member;

    /** For web.xml / {@code @WebFilter}: configuration comes from init-params. */
    public RedisSessionFilter() {
    }

    /** For programmatic registration with a built configuration (init-params are then ignored). */
    public RedisSessionFilter(RedisSessionConfig config) {
        this.config = config;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        RedisSessionConfig c = config != null ? config : RedisSessionConfig.fromInitParams(filterConfig);
        config = c;
        List<CidrRange> proxies = c.trustedProxies() != null ? c.trustedProxies()
                : TrustedProxies.forContext(filterConfig.getServletContext());
        runtime = FilterRuntime.start(filterConfig, "session", c.redisSettings(), c, "created", "loaded", "saved", "invalidated",
                "not.found", "gone", "errors", "codec.failures", "unavailable", "lock.waits", "lock.timeouts", "lock.expired",
                "oversize", "too.large");
        store = new SessionStore(c, new SessionRepository(runtime.redis(), runtime.keyPrefix()), runtime.metrics(),
                filterConfig.getServletContext(), new ClientAddressResolver(proxies));
        api = new RedisSessions(store);
        filterConfig.getServletContext().setAttribute(RedisSessions.CONTEXT_ATTRIBUTE, api);
        // It sends nothing early for filters before it: its own load is deferred (registered when the
        // request enters) so that it travels with the next filter's lookups; when it stands later in the
        // chain than another of our filters, it loads on its own (declare it first).
        member = runtime.joinBatch(request -> null);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || req.getAttribute(SessionSignals.STARTED_HERE) != null) { // a session filter of ours has it already
            chain.doFilter(req, res);
            return;
        }
        boolean excluded = false;
        boolean touch = true;
        if (!config.excludedPaths().isEmpty() || !config.touchFreePaths().isEmpty()) {
            String path = RequestPaths.applicationPath(request);
            excluded = matches(config.excludedPaths(), path);
            touch = !matches(config.touchFreePaths(), path);
        }
        try (RequestBatch.Scope batch = RequestBatch.enter(request, member)) {
            SessionManager sessions = new SessionManager(request, store, touch, excluded, batch);
            sessions.deferLoad(); // sent with the next filter's lookups, or by getSession
            batch.writesAtCommit(); // the commit always writes through the batch: later filters' writes may ride along
            SessionRequest wrapped = new SessionRequest(request, sessions);
            req.setAttribute(SessionSignals.STARTED_HERE, (java.util.function.BooleanSupplier) sessions::startedHere);
            CommitHook wrappedResponse = new CommitHook(response, sessions);
            try {
                chain.doFilter(wrapped, wrappedResponse);
                wrappedResponse.disableHook();
                sessions.commit(response);
            } catch (IOException | ServletException | RuntimeException e) {
                Throwable ours = ourFailure(e);
                if (ours != null) {
                    refuse(response, wrappedResponse, sessions, ours);
                    return;
                }
                try {
                    wrappedResponse.disableHook();
                    sessions.commit(response);
                } catch (SessionUnavailableException | SessionTooLargeException ignored) {
                    sessions.abandon(); // the application's own failure is the one to report
                }
                throw e;
            } finally {
                req.removeAttribute(SessionSignals.STARTED_HERE);
            }
        }
    }

    /** 503 (Redis down, lock wait over) or 413 (session too large), unless the response is committed. */
    private void refuse(HttpServletResponse response, CommitHook wrappedResponse, SessionManager sessions, Throwable why)
            throws IOException {
        wrappedResponse.disableHook();
        sessions.abandon();
        boolean tooLarge = why instanceof SessionTooLargeException;
        runtime.metrics().increment(tooLarge ? "too.large" : "unavailable");
        if (response.isCommitted()) {
            return;
        }
        response.reset(); // also forgets an earlier getWriter(), so the problem body can be written
        if (tooLarge) {
            ProblemResponse.send(response, 413, "Content Too Large",
                    "The session would exceed its size limit; nothing of this request was saved.", Map.of());
            return;
        }
        response.setHeader("Retry-After", Long.toString(config.retryAfter().toSeconds()));
        ProblemResponse.send(response, 503, "Service Unavailable", why instanceof SessionLockedException
                ? "Another request of this session is in progress; try again." : "The session store is temporarily unavailable.",
                Map.of());
    }

    /** The session failure behind {@code e} (the application may have wrapped it), or null. */
    private static Throwable ourFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SessionUnavailableException || t instanceof SessionTooLargeException) {
                return t;
            }
            if (t instanceof ServletException se && se.getRootCause() != null && se.getRootCause() != se.getCause()) {
                Throwable root = ourFailure(se.getRootCause());
                if (root != null) {
                    return root;
                }
            }
        }
        return null;
    }

    private static boolean matches(List<PathPattern> patterns, String path) {
        for (PathPattern p : patterns) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void destroy() {
        if (store != null && store.context().getAttribute(RedisSessions.CONTEXT_ATTRIBUTE) == api) {
            store.context().removeAttribute(RedisSessions.CONTEXT_ATTRIBUTE);
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    /** The effective configuration (after {@code init}). */
    public RedisSessionConfig config() {
        return config;
    }

    /** The sessions API of this filter (after {@code init}). */
    public RedisSessions sessions() {
        return api;
    }

    /** Saves the session just before the response commits. */
    private static final class CommitHook extends OnCommitResponseWrapper {
        private final SessionManager sessions;
        private final HttpServletResponse raw;

        CommitHook(HttpServletResponse response, SessionManager sessions) {
            super(response);
            this.raw = response;
            this.sessions = sessions;
        }

        @Override
        protected void onResponseCommit() {
            sessions.commit(raw);
        }
    }
}
