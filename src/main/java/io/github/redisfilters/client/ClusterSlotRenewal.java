package io.github.redisfilters.client;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * Re-reads the slot map of a Redis Cluster client built here after one of its nodes was lost, so
 * that the next request is routed to the replica promoted in its place.
 *
 * <p>Jedis re-reads the map itself only on its single-command path (after two failed connection
 * attempts, or on {@code MOVED}); the library's per-node pipelines would keep asking the dead node
 * for ever. So every failed connection, pipelined or not, reports here; a timeout too (a machine
 * that is gone answers nothing, and re-reading the map drops no connection). At most one renewal
 * runs at a time, in the background (the request that noticed answers at once with the filter's
 * failure mode), and a new one starts at most every {@link #MIN_GAP_NANOS}: while the cluster has
 * not yet promoted the replica, the map still names the dead node and failures go on, each
 * making a later renewal that will see the promotion.
 */
final class ClusterSlotRenewal {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSlotRenewal.class);
    /** Least time between the starts of two renewals. */
    static final long MIN_GAP_NANOS = 100_000_000L;

    private final ClusterConnectionProvider provider;
    private final Executor background;
    private final String target;
    private final LongSupplier nanoTime;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong renewals = new AtomicLong();
    /** Set by {@link #close()}: no renewal starts, and one in flight closes what it opened. */
    private volatile boolean closed;
    /** Written only by the caller that set {@link #running}. */
    private long lastStart;
    private boolean startedOnce;

    /**
     * @param background runs a renewal, on another thread or (when it has none free) on the
     *                   caller's; must run every task it is given
     */
    ClusterSlotRenewal(ClusterConnectionProvider provider, Executor background, String target, LongSupplier nanoTime) {
        this.provider = provider;
        this.background = background;
        this.target = target;
        this.nanoTime = nanoTime;
    }

    /** The provider whose slot map is renewed (the per-node pipelines route by it). */
    ClusterConnectionProvider provider() {
        return provider;
    }

    /**
     * Whether {@code e} says a node could not be reached or answered nothing (rather than that a
     * command was wrong): a connection failure, or the cluster client giving up after connection
     * failures ({@code No more cluster attempts left}, {@code Cluster retry deadline exceeded},
     * {@code No reachable node in cluster}: the failures are its cause or suppressed). Not, say,
     * keys of a command in different slots.
     */
    static boolean isNodeLoss(Throwable e) {
        if (e instanceof JedisConnectionException) {
            return true;
        }
        if (!(e instanceof JedisClusterOperationException)) {
            return false;
        }
        if (e.getCause() instanceof JedisConnectionException) {
            return true;
        }
        for (Throwable s : e.getSuppressed()) {
            if (s instanceof JedisConnectionException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A node's connection failed with {@code cause}: starts a renewal in the background unless
     * one is running or one started less than {@link #MIN_GAP_NANOS} ago. Other failures (a
     * pool that has no connection free, an error reply) are ignored. Never blocks on Redis
     * unless the background executor has no thread free.
     */
    void nodeLost(Throwable cause) {
        if (closed || !isNodeLoss(cause) || !running.compareAndSet(false, true)) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (startedOnce && now - lastStart < MIN_GAP_NANOS) {
            running.set(false);
            return;
        }
        startedOnce = true;
        lastStart = now;
        try {
            background.execute(() -> renew(cause));
        } catch (RuntimeException e) {
            running.set(false);
            LOG.debug("could not start a slot map renewal for {}", target, e);
        }
    }

    private void renew(Throwable cause) {
        try {
            if (closed) {
                return;
            }
            Set<String> before = primaries();
            // Jedis asks the seed nodes, then the known ones, for CLUSTER SLOTS; drops the pools of
            // nodes no longer listed. It skips the call when it is renewing already.
            provider.renewSlotCache();
            if (closed) {
                // the client closed meanwhile: the renewal may have made node pools again (from
                // the seed nodes) after the provider closed them; nothing else would close them
                provider.close();
                return;
            }
            renewals.incrementAndGet();
            Set<String> after = primaries();
            if (!after.equals(before)) {
                // one line per change of primaries (a failover), not one per failed request
                LOG.info("Redis Cluster {}: slot map renewed after a lost node ({}: {}); primaries now {} (were {})", target,
                        cause.getClass().getSimpleName(), cause.getMessage(), after, before);
            } else {
                LOG.debug("Redis Cluster {}: slot map renewed after a lost node, unchanged ({})", target, cause.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.debug("Redis Cluster {}: slot map renewal failed", target, e);
        } finally {
            running.set(false);
        }
    }

    /** The nodes serving a slot in the client's map (Jedis keeps no up-to-date list of primaries of its own). */
    private Set<String> primaries() {
        Set<String> out = new TreeSet<>();
        for (int slot = 0; slot < Protocol.CLUSTER_HASHSLOTS; slot++) {
            HostAndPort node = provider.getNode(slot);
            if (node != null) {
                out.add(node.toString());
            }
        }
        return out;
    }

    /**
     * The client is closing: no renewal starts from now on. Call before closing the provider: a
     * renewal still running then closes the pools it made again.
     */
    void close() {
        closed = true;
    }

    /** How many renewals ran. */
    long renewals() {
        return renewals.get();
    }
}
