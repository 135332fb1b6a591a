package io.github.redisfilters.session;

import io.github.redisfilters.metrics.FilterMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything one filter instance shares across its requests. */
final class SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionFilter.class);
    private static final int MAX_LOGGED = 256;

    final RedisSessionConfig config;
    final SessionRepository repository;
    final FilterMetrics metrics;
    final SessionIds ids = new SessionIds();
    private final Set<String> loggedCodecFailures = ConcurrentHashMap.newKeySet();

    SessionStore(RedisSessionConfig config, SessionRepository repository, FilterMetrics metrics) {
        this.config = config;
        this.repository = repository;
        this.metrics = metrics;
    }

    long now() {
        return config.clock().millis();
    }

    int defaultMaxInactiveSeconds() {
        return (int) config.maxInactiveInterval().toSeconds();
    }

    /** Counts a codec failure and logs it once per attribute name and cause type. */
    void codecFailure(String what, String attribute, Exception e) {
        metrics.increment("codec.failures");
        String key = what + ":" + attribute + ":" + e.getClass().getName();
        if (loggedCodecFailures.size() < MAX_LOGGED && loggedCodecFailures.add(key)) {
            LOG.warn("session attribute '{}' could not be {} ({}: {}); policy {} applies (logged once per attribute)",
                    attribute, what, e.getClass().getSimpleName(), e.getMessage(), config.unreadableAttribute());
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
            } catch (Exception | LinkageError ex) {
                unreadable.add(e.getKey());
                codecFailure("read", e.getKey(), ex instanceof Exception x ? x : new IllegalStateException(ex));
            }
        }
        return out;
    }
}
