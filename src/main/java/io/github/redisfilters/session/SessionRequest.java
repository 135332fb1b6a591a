package io.github.redisfilters.session;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;

/**
 * The request as the application sees it: sessions come from Redis, never from the container.
 * Every session call is forwarded to the request's {@link SessionManager}; a request that never
 * asks for its session costs no Redis call.
 */
final class SessionRequest extends HttpServletRequestWrapper {
    private final SessionManager sessions;

    SessionRequest(HttpServletRequest request, SessionManager sessions) {
        super(request);
        this.sessions = sessions;
    }

    SessionManager sessions() {
        return sessions;
    }

    @Override
    public HttpSession getSession() {
        return sessions.getSession(true);
    }

    @Override
    public HttpSession getSession(boolean create) {
        return sessions.getSession(create);
    }

    @Override
    public String changeSessionId() {
        return sessions.changeSessionId();
    }

    @Override
    public String getRequestedSessionId() {
        return sessions.requestedRaw();
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return sessions.isRequestedSessionIdValid();
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return sessions.fromCookie();
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }
}
