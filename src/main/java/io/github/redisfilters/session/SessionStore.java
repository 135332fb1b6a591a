package io.github.redisfilters.session;

import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.web.ClientAddressResolver;
import jakarta.servlet.ServletContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything one filter instance shares across its requests. */
final class SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionFilter.class);
    private static final int MAX_LOGGED = 256;
    /** Index horizon of sessions that never expire (2^53 - 1, exact as a sorted-set score). */
    static final long NEVER = 9_007_199_254_740_991L;

    private final RedisSessionConfig config;
    private final SessionRepository repository;
    private final FilterMetrics metrics;
    private final ServletContext context;
    private final ClientAddressResolver proxies;
    private final SessionIds ids = new SessionIds();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> waiters = new ConcurrentHashMap<>();
    private volatile SessionListeners listeners;

    SessionStore(RedisSessionConfig config, SessionRepository repository, FilterMetrics metrics, ServletContext context,
            ClientAddressResolver proxies) {
        this.config = config;
        this.repository = repository;
        this.metrics = metrics;
        this.context = context;
        this.proxies = proxies;
    }

    RedisSessionConfig config() {
        return config;
    }

    SessionRepository repository() {
        return repository;
    }

    ServletContext context() {
        return context;
    }

    SessionIds ids() {
        return ids;
    }

    ClientAddressResolver proxies() {
        return proxies;
    }

    void count(String counter) {
        metrics.increment(counter);
    }

    long now() {
        return config.clock().millis();
    }

    int defaultMaxInactiveSeconds() {
        return (int) config.maxInactiveInterval().toSeconds();
    }

    /** The application's session listeners, read from the container once, on first need. */
    SessionListeners listeners() {
        SessionListeners l = listeners;
        if (l == null) {
            l = SessionListeners.of(context);
            listeners = l;
        }
        return l;
    }

    /** A token unique to one request's lock (not a secret: only its owner ever sends it). */
    String newLockToken() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
    }

    /**
     * Registers a request waiting for the lock of {@code id}; false when {@code maxLockWaiters}
     * already wait here, so one client flooding its own session cannot park every container thread.
     */
    boolean enterWait(String id) {
        AtomicInteger n = waiters.computeIfAbsent(id, k -> new AtomicInteger());
        if (n.incrementAndGet() > config.maxLockWaiters()) {
            exitWait(id);
            return false;
        }
        return true;
    }

    void exitWait(String id) {
        waiters.computeIfPresent(id, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Counts a codec failure and logs it once per attribute name and cause type. */
    void codecFailure(String what, String attribute, Exception e) {
        metrics.increment("codec.failures");
        String key = what + ":" + attribute + ":" + e.getClass().getName();
        if (logged.size() < MAX_LOGGED && logged.add(key)) {
            LOG.warn("session attribute '{}' could not be {} ({}: {}); policy {} applies (logged once per attribute)",
                    attribute, what, e.getClass().getSimpleName(), e.getMessage(), config.unreadableAttribute());
        }
    }

    /** Logs {@code message} once per {@code key} (for conditions that repeat per request). */
    void warnOnce(String key, String message, Object... args) {
        if (logged.size() < MAX_LOGGED && logged.add(key)) {
            LOG.warn(message, args);
        }
    }

    /** Decodes stored bytes; unreadable attributes are left out and reported in {@code unreadable}. */
    Map<String, Object> decode(Map<String, byte[]> raw, Set<String> unreadable) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : raw.entrySet()) {
            try {
                Object v = config.codec().decode(e.getValue());
                if (v != null) {
                    out.put(e.getKey(), v);
                }
            } catch (Exception | LinkageError | StackOverflowError ex) {
                unreadable.add(e.getKey());
                codecFailure("read", e.getKey(), ex instanceof Exception x ? x : new IllegalStateException(ex));
            }
        }
        return out;
    }

    /** The index horizon of a session with this interval: always later than its real expiry. */
    long horizon(long now, int maxInactiveSeconds) {
        return maxInactiveSeconds > 0 ? now + 2L * maxInactiveSeconds * 1000L : NEVER;
    }
}
