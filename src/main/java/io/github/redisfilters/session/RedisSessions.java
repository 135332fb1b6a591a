package io.github.redisfilters.session;

import io.github.redisfilters.client.RedisUnavailableException;
import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Application-facing operations on the Redis session store: list and invalidate the sessions of
 * a user ("log out everywhere"). The filter publishes its instance in the servlet context under
 * {@link #CONTEXT_ATTRIBUTE}; obtain it with {@link #of(ServletContext)}.
 *
 * <p>The index is a sorted set per principal, maintained by the filter on writes (no keyspace
 * notifications needed) and pruned lazily: entries whose session expired or was invalidated are
 * dropped when they are next seen. Each method costs one round trip for the index plus one per
 * indexed session.
 *
 * <p>Invalidating here calls the application's {@code HttpSessionListener.sessionDestroyed},
 * {@code HttpSessionAttributeListener.attributeRemoved} and the values'
 * {@code HttpSessionBindingListener.valueUnbound} on this server, once per session that was still
 * there, with the session as it was stored (it costs one more read per session, only when the
 * application has such listeners).
 */
public final class RedisSessions {
    /** Servlet-context attribute holding the {@link RedisSessions} of the session filter. */
    public static final String CONTEXT_ATTRIBUTE = RedisSessions.class.getName();

    private final SessionStore store;

    RedisSessions(SessionStore store) {
        this.store = store;
    }

    /**
     * The instance the session filter published in {@code context}.
     *
     * @throws IllegalStateException when no session filter has been initialised in this application
     */
    public static RedisSessions from(ServletContext context) {
        Object o = context.getAttribute(CONTEXT_ATTRIBUTE);
        if (o instanceof RedisSessions s) {
            return s;
        }
        throw new IllegalStateException("no RedisSessionFilter has been initialised in this web application");
    }

    /**
     * The old name of {@link #from}, as the other filters' APIs are found
     * ({@code ResponseCache.from}, {@code TokenBlacklist.from}).
     *
     * @deprecated use {@link #from(ServletContext)}; this name goes in the next minor release
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static RedisSessions of(ServletContext context) {
        return from(context);
    }

    /** One live session of a principal. Times are epoch milliseconds; the interval is in seconds. */
    public record SessionInfo(String id, long creationTime, long lastAccessedTime, int maxInactiveInterval) {
        @Override
        public String toString() {
            return "SessionInfo[id=" + SessionIds.abbreviate(id) + ", creationTime=" + creationTime
                    + ", lastAccessedTime=" + lastAccessedTime + ", maxInactiveInterval=" + maxInactiveInterval + "]";
        }
    }

    /**
     * The live sessions of {@code principal} (from {@code request.getUserPrincipal()} or the
     * configured {@code principalAttribute}).
     *
     * @throws RedisUnavailableException when Redis cannot be reached
     */
    public List<SessionInfo> findByPrincipal(String principal) {
        long now = store.now();
        List<SessionInfo> out = new ArrayList<>();
        for (String id : store.repository().indexed(principal, now)) {
            List<String> m = store.repository().metadata(id);
            if (m == null || !principal.equals(m.get(0))) {
                store.repository().unindex(principal, id, now);
                continue;
            }
            out.add(new SessionInfo(id, parse(m.get(1)), parse(m.get(2)), (int) parse(m.get(3))));
        }
        return List.copyOf(out);
    }

    /**
     * Invalidates every session of {@code principal} on every server ("log out everywhere"). A
     * request of that user already in flight may finish, but its save will not recreate the session.
     *
     * @return the number of sessions removed
     * @throws RedisUnavailableException when Redis cannot be reached
     */
    public int invalidateAll(String principal) {
        int n = 0;
        long now = store.now();
        for (SessionInfo s : findByPrincipal(principal)) {
            if (invalidate(s.id())) {
                n++;
            }
            store.repository().unindex(principal, s.id(), now);
        }
        return n;
    }

    /**
     * Invalidates one session by id.
     *
     * @return true when it existed
     * @throws RedisUnavailableException when Redis cannot be reached
     */
    public boolean invalidate(String sessionId) {
        if (!SessionIds.wellFormed(sessionId)) {
            return false;
        }
        RedisSession before = store.listeners().isEmpty() ? null : read(sessionId);
        boolean existed = store.repository().delete(sessionId);
        if (existed) {
            store.count("invalidated");
            if (before != null) {
                before.destroyedElsewhere();
            }
        }
        return existed;
    }

    /** The session as stored, decoded, for the destruction events; null when it is gone. */
    private RedisSession read(String id) {
        if (!(store.repository().read(id, store.now()) instanceof SessionRepository.Stored s) || s.corrupt()) {
            return null;
        }
        Map<String, Object> attributes = store.decode(s.attributes(), new java.util.HashSet<>());
        return new RedisSession(store.context(), store.config().codec(), store.config().saveMode(), x -> {
        }, store.listeners(), id, id, s.creationTime(), s.lastAccessedTime(), s.maxInactiveSeconds(), s.principal(),
                attributes);
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
