package io.github.redisfilters.session;

import io.github.redisfilters.client.RedisUnavailableException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request as the application sees it: sessions come from Redis, never from the container.
 * Loading is lazy (a request that never asks for its session costs no Redis call); saving happens
 * in {@link #commit(HttpServletResponse)}, called before the response commits and again in the
 * filter's {@code finally}.
 */
final class SessionRequest extends HttpServletRequestWrapper implements RedisSession.Owner {
    /** Index horizon of sessions that never expire (2^53 - 1, exact as a sorted-set score). */
    static final long NEVER = 9_007_199_254_740_991L;
    private final SessionStore store;
    private final boolean touch;
    private final boolean excluded;
    /** First well-formed cookie value, or null. */
    private final String requestedId;
    /** Raw cookie value as sent (possibly garbage), or null. */
    private final String requestedRaw;
    private final List<String> pendingDeletes = new ArrayList<>();
    private RedisSession current;
    private boolean loadAttempted;
    private boolean loadFailed;
    private boolean requestedFound;
    private String cookieWritten;

    SessionRequest(HttpServletRequest request, SessionStore store, boolean touch, boolean excluded) {
        super(request);
        this.store = store;
        this.touch = touch;
        this.excluded = excluded;
        String raw = null;
        String valid = null;
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (store.config.cookieName().equals(c.getName())) {
                    if (raw == null) {
                        raw = c.getValue();
                    }
                    if (valid == null && SessionIds.wellFormed(c.getValue())) {
                        valid = c.getValue();
                    }
                }
            }
        }
        this.requestedRaw = valid != null ? valid : raw;
        this.requestedId = valid;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public synchronized HttpSession getSession(boolean create) {
        if (excluded) {
            return null;
        }
        if (current != null && !current.isInvalid()) {
            return current;
        }
        if (!loadAttempted) {
            loadAttempted = true;
            load();
            if (current != null) {
                return current;
            }
        }
        if (!create) {
            return null;
        }
        if (loadFailed) {
            // the client has a session we could not read: a new one would replace (lose) it
            throw new SessionUnavailableException("session store unavailable", null);
        }
        current = new RedisSession(getServletContext(), store.config.codec(), store.config.saveMode(), this,
                store.ids.next(), null, store.now(), store.now(), store.defaultMaxInactiveSeconds(), null, Map.of());
        store.metrics.increment("created");
        return current;
    }

    private void load() {
        if (requestedId == null) {
            return;
        }
        SessionRepository.Stored stored;
        try {
            stored = store.repository.load(requestedId, store.now(), touch);
        } catch (RedisUnavailableException e) {
            store.metrics.increment("errors");
            if (store.config.failureMode() == RedisSessionConfig.FailureMode.FAIL_OPEN) {
                loadFailed = true;
                return;
            }
            throw new SessionUnavailableException("session store unavailable", e);
        }
        if (stored == null) {
            store.metrics.increment("not.found");
            return;
        }
        if (stored.corrupt()) {
            store.codecFailure("read", "(session metadata)", new IllegalStateException("corrupt session hash"));
            pendingDeletes.add(stored.id());
            return;
        }
        Set<String> unreadable = new LinkedHashSet<>();
        Map<String, Object> attributes = store.decode(stored.attributes(), unreadable);
        if (!unreadable.isEmpty() && store.config.unreadableAttribute() == RedisSessionConfig.UnreadableAttributePolicy.NEW_SESSION) {
            pendingDeletes.add(stored.id());
            return;
        }
        RedisSession s = new RedisSession(getServletContext(), store.config.codec(), store.config.saveMode(), this,
                stored.id(), stored.id(), stored.creationTime(), stored.lastAccessedTime(), stored.maxInactiveSeconds(),
                stored.principal(), attributes);
        unreadable.forEach(s::forget);
        requestedFound = true;
        current = s;
        store.metrics.increment("loaded");
        for (Map.Entry<String, Object> e : s.attributesView().entrySet()) {
            if (e.getValue() instanceof HttpSessionActivationListener l) {
                l.sessionDidActivate(new HttpSessionEvent(s));
            }
        }
        if (stored.indexRefresh() && stored.principal() != null) {
            index(stored.principal(), stored.id(), stored.maxInactiveSeconds());
        }
    }

    @Override
    public synchronized String changeSessionId() {
        HttpSession s = getSession(false);
        if (s == null) {
            throw new IllegalStateException("changeSessionId: the request has no session");
        }
        String newId = store.ids.next();
        current.changeId(newId);
        return newId;
    }

    @Override
    public String getRequestedSessionId() {
        return requestedRaw;
    }

    @Override
    public synchronized boolean isRequestedSessionIdValid() {
        if (requestedId == null || excluded) {
            return false;
        }
        getSession(false);
        return requestedFound && current != null && !current.isInvalid() && requestedId.equals(current.getId());
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return requestedRaw != null;
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }

    @Override
    public synchronized void invalidated(RedisSession session) {
        store.metrics.increment("invalidated");
        if (session.storedId() != null) {
            // its principal-index entry is pruned lazily (findByPrincipal drops ids that are gone)
            pendingDeletes.add(session.storedId());
        }
    }

    /**
     * Writes pending deletions and the session's changes, then the cookie. Idempotent: a second
     * call writes only what changed since the first.
     *
     * @throws SessionUnavailableException when Redis cannot take the write
     */
    synchronized void commit(HttpServletResponse response) {
        try {
            for (String id : pendingDeletes) {
                store.repository.delete(id);
            }
            pendingDeletes.clear();
            RedisSession s = current;
            if (s != null && !s.isInvalid()) {
                save(s);
            }
        } catch (RedisUnavailableException e) {
            store.metrics.increment("errors");
            throw new SessionUnavailableException("session store unavailable", e);
        } finally {
            writeCookie(response);
        }
    }

    private void save(RedisSession s) {
        String principal = null;
        boolean setPrincipal;
        if (store.config.principalAttribute() != null) {
            Object v = s.peek(store.config.principalAttribute());
            principal = v == null ? null : v.toString();
            setPrincipal = true;
        } else {
            Principal p = getUserPrincipal();
            principal = p == null ? null : p.getName();
            setPrincipal = principal != null;
        }
        boolean principalChanged = setPrincipal && !java.util.Objects.equals(principal, s.storedPrincipal());
        if (!s.hasChanges() && !principalChanged) {
            return;
        }
        String stored = s.storedId();
        boolean create = stored == null || !stored.equals(s.getId());
        if (stored != null && create) {
            // changeSessionId: take the old key first, so a session invalidated meanwhile is not
            // resurrected under the new id; old and new keys may live in different Cluster slots,
            // hence two single-key round trips instead of RENAME
            if (!store.repository.delete(stored)) {
                gone(s);
                return;
            }
        }
        Set<String> names = s.namesToWrite();
        Map<String, byte[]> values = new LinkedHashMap<>();
        Set<String> removals = s.namesToRemove();
        for (String name : names) {
            Object v = s.valueToWrite(name);
            if (v == null) {
                continue;
            }
            try {
                values.put(name, store.config.codec().encode(v));
            } catch (RuntimeException e) {
                store.codecFailure("written", name, e);
            }
        }
        if (create) {
            removals = Set.of();
        }
        long now = store.now();
        SessionRepository.Saved result = store.repository.save(new SessionRepository.Write(s.getId(), create, now,
                s.getMaxInactiveInterval(), s.creationTimeUnchecked(), setPrincipal, principal, values, removals));
        if (result.status() == -1) {
            // a 256-bit collision: astronomically unlikely, but never merge two sessions
            s.changeId(store.ids.next());
            result = store.repository.save(new SessionRepository.Write(s.getId(), true, now, s.getMaxInactiveInterval(),
                    s.creationTimeUnchecked(), setPrincipal, principal, values, Set.of()));
        }
        if (result.status() == 0) {
            gone(s);
            return;
        }
        s.saved(names, s.namesToRemove(), s.getId());
        if (setPrincipal) {
            s.principalSaved(principal);
        }
        store.metrics.increment("saved");
        if (result.indexRefresh() && principal != null) {
            index(principal, s.getId(), s.getMaxInactiveInterval());
        }
    }

    private void gone(RedisSession s) {
        s.markGone();
        store.metrics.increment("gone");
    }

    private void index(String principal, String id, int maxInactiveSeconds) {
        long now = store.now();
        try {
            long horizon = maxInactiveSeconds > 0 ? now + 2L * maxInactiveSeconds * 1000L : NEVER;
            store.repository.index(principal, id, now, horizon);
        } catch (RedisUnavailableException e) {
            store.metrics.increment("errors"); // the session works; only "find by principal" may miss it
        }
    }

    private void writeCookie(HttpServletResponse response) {
        if (response.isCommitted()) {
            return;
        }
        RedisSession s = current;
        String want;
        if (s != null && !s.isInvalid() && s.storedId() != null && s.storedId().equals(s.getId())) {
            want = s.getId();
        } else if (requestedRaw != null && (requestedId == null || loadAttempted && !loadFailed)) {
            want = ""; // the client's cookie names no (more) session: expire it
        } else {
            return;
        }
        String clientHas = cookieWritten != null ? cookieWritten : requestedRaw;
        if (want.equals(clientHas)) {
            return;
        }
        cookieWritten = want;
        response.addHeader("Set-Cookie", SessionCookies.header(store.config, (HttpServletRequest) getRequest(), want));
    }
}
