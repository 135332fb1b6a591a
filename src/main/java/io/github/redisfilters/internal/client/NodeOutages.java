package io.github.redisfilters.internal.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A circuit breaker per Redis Cluster node, for the per-node pipelines of {@link NodePipelines}.
 * The client's own breaker sees a batch fail only when every node failed; a node that is gone or
 * hangs (a paused process, a host that drops packets) would otherwise cost every batch touching
 * it a connect or read timeout, request after request. After {@code threshold} failures in a row
 * the node is not asked for {@code pause}: its commands fail at once (the filters apply their
 * failure modes), then one batch tries it again. A node that answers is forgotten. Keyed by
 * address: when the slot map moves a dead primary's slots to its promoted replica, batches go to
 * the replica's address, which no outage blocks.
 */
final class NodeOutages {
    private final int threshold;
    private final long pauseNanos;
    private final LongSupplier nanoTime;
    private final Map<HostAndPort, Outage> nodes = new ConcurrentHashMap<>();

    private static final class Outage {
        final AtomicInteger failures = new AtomicInteger();
        volatile long downUntil;
        volatile boolean down;
    }

    /**
     * @param threshold failures in a row that stop asking a node (the client's {@code failureThreshold})
     * @param pauseNanos how long it is not asked (the client's {@code retryInterval})
     */
    NodeOutages(int threshold, long pauseNanos, LongSupplier nanoTime) {
        this.threshold = Math.max(1, threshold);
        this.pauseNanos = pauseNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * Null when {@code node} may be asked now; else the failure its commands get without being
     * sent. Once the pause is over one caller gets null (its batch tries the node) while the
     * others still get the failure until that batch answered or failed.
     */
    JedisConnectionException refusal(HostAndPort node) {
        if (node == null || nodes.isEmpty()) {
            return null;
        }
        Outage o = nodes.get(node);
        if (o == null || !o.down) {
            return null;
        }
        long now = nanoTime.getAsLong();
        long until = o.downUntil;
        if (now - until >= 0) {
            synchronized (o) {
                if (o.downUntil == until) {
                    o.downUntil = now + pauseNanos; // this caller tries it; the others keep failing fast
                    return null;
                }
            }
        }
        return new JedisConnectionException("Redis Cluster node " + node + " is not asked: it failed " + threshold
                + " times in a row and is paused until it is tried again");
    }

    /** The node answered its pipeline: it is asked normally again. */
    void answered(HostAndPort node) {
        if (node != null && !nodes.isEmpty()) {
            nodes.remove(node);
        }
    }

    /** The node's pipeline failed with {@code e}; only connection failures count. */
    void failed(HostAndPort node, RuntimeException e) {
        if (node == null || !(e instanceof JedisConnectionException)) {
            return;
        }
        Outage o = nodes.computeIfAbsent(node, n -> new Outage());
        if (o.failures.incrementAndGet() >= threshold) {
            synchronized (o) {
                o.downUntil = nanoTime.getAsLong() + pauseNanos;
                o.down = true;
            }
        }
    }

    /** Whether {@code node} is currently not asked (for tests and figures). */
    boolean isPaused(HostAndPort node) {
        Outage o = nodes.get(node);
        return o != null && o.down && nanoTime.getAsLong() - o.downUntil < 0;
    }
}
