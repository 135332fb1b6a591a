package io.github.redisfilters.session;

import io.github.redisfilters.config.PathPattern;
import io.github.redisfilters.web.FilterRuntime;
import io.github.redisfilters.web.OnCommitResponseWrapper;
import io.github.redisfilters.web.ProblemResponse;
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
 * asks for it (which also extends its expiry); changes are written as deltas in one more round
 * trip just before the response commits (every commit path is caught) and again, if anything
 * changed later, when the chain returns. While Redis is unavailable, requests that need their
 * session get {@code 503} with {@code Retry-After} — never a local session that would fork data.
 *
 * <p>Init-params are listed in {@link RedisSessionConfig}. The application reaches the
 * {@link RedisSessions} API (find / invalidate the sessions of a user) through the context
 * attribute {@link RedisSessions#CONTEXT_ATTRIBUTE} or {@link RedisSessions#of}.
 */
public class RedisSessionFilter implements Filter {
    private static final String WRAPPED = RedisSessionFilter.class.getName() + ".request";

    private RedisSessionConfig config;
    private FilterRuntime runtime;
    private SessionStore store;
    private RedisSessions sessions;

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
        runtime = FilterRuntime.start(filterConfig, "session", c.redisSettings(), c, "created", "loaded", "saved", "invalidated",
                "not.found", "gone", "errors", "codec.failures", "unavailable");
        store = new SessionStore(c, new SessionRepository(runtime.redis(), runtime.keyPrefix()), runtime.metrics());
        sessions = new RedisSessions(store);
        filterConfig.getServletContext().setAttribute(RedisSessions.CONTEXT_ATTRIBUTE, sessions);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || req.getAttribute(WRAPPED) != null) {
            chain.doFilter(req, res);
            return;
        }
        String path = pathOf(request);
        boolean excluded = matches(config.excludedPaths(), path);
        boolean touch = !matches(config.touchFreePaths(), path);
        SessionRequest wrapped = new SessionRequest(request, store, touch, excluded);
        req.setAttribute(WRAPPED, Boolean.TRUE);
        CommitHook wrappedResponse = new CommitHook(response, wrapped);
        try {
            chain.doFilter(wrapped, wrappedResponse);
            wrappedResponse.disableHook();
            wrapped.commit(response);
        } catch (SessionUnavailableException e) {
            unavailable(response, wrappedResponse);
        } catch (IOException | ServletException | RuntimeException e) {
            if (causedByUnavailability(e)) {
                unavailable(response, wrappedResponse);
                return;
            }
            try {
                wrappedResponse.disableHook();
                wrapped.commit(response);
            } catch (SessionUnavailableException ignored) {
                // the application's own failure is the one to report
            }
            throw e;
        } finally {
            req.removeAttribute(WRAPPED);
        }
    }

    private void unavailable(HttpServletResponse response, CommitHook wrappedResponse) throws IOException {
        wrappedResponse.disableHook();
        runtime.metrics().increment("unavailable");
        if (!response.isCommitted()) {
            response.reset(); // also forgets an earlier getWriter(), so the problem body can be written
            response.setHeader("Retry-After", Long.toString(config.retryAfter().toSeconds()));
            ProblemResponse.send(response, 503, "Service Unavailable", "The session store is temporarily unavailable.",
                    Map.of());
        }
    }

    private static boolean causedByUnavailability(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SessionUnavailableException) {
                return true;
            }
            if (t instanceof ServletException se && se.getRootCause() != null && se.getRootCause() != se.getCause()
                    && causedByUnavailability(se.getRootCause())) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(List<PathPattern> patterns, String path) {
        for (PathPattern p : patterns) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static String pathOf(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String info = request.getPathInfo();
        String p = (servletPath == null ? "" : servletPath) + (info == null ? "" : info);
        return p.isEmpty() ? "/" : p;
    }

    @Override
    public void destroy() {
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
        return sessions;
    }

    /** Saves the session just before the response commits. */
    private static final class CommitHook extends OnCommitResponseWrapper {
        private final SessionRequest request;
        private final HttpServletResponse raw;

        CommitHook(HttpServletResponse response, SessionRequest request) {
            super(response);
            this.raw = response;
            this.request = request;
        }

        @Override
        protected void onResponseCommit() {
            request.commit(raw);
        }
    }
}
