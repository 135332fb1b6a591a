package io.github.redisfilters.internal.client;

import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * How {@link PlanSender} sends a batch to a Redis Cluster: the executor syncing the per-node
 * pipelines in parallel, and — for a client the library built — the connection provider that
 * routes by slot and whom to tell when a node's connection failed (so that the slot map is
 * renewed). The provider is null for an application-supplied cluster client, whose pipelines
 * Jedis makes.
 *
 * <p>Internal: for the shared client ({@code io.github.redisfilters.client}), not API; it may change
 * in any release.
 */
public final class ClusterRouting {
    private final ExecutorService executor;
    private final ClusterConnectionProvider provider;
    private final Consumer<RuntimeException> nodeLost;
    private final NodeOutages outages;
    /** Commands for the protocol of the client's connections (one for all: Jedis' own pipeline makes one per pipeline). */
    private volatile Spoken spoken;

    private record Spoken(RedisProtocol protocol, CommandObjects commands) {
    }

    /**
     * @param executor runs every task it is given (on the caller's thread when it has none free)
     * @param provider the client's provider, or null
     * @param nodeLost told the failure of a node's pipeline (a connection refused, broken or timed out)
     * @param failureThreshold connection failures in a row after which a node is not asked for
     *                         {@code retryInterval} (see {@link NodeOutages})
     */
    public ClusterRouting(ExecutorService executor, ClusterConnectionProvider provider, Consumer<RuntimeException> nodeLost,
            int failureThreshold, java.time.Duration retryInterval) {
        this.executor = executor;
        this.provider = provider;
        this.nodeLost = nodeLost;
        this.outages = new NodeOutages(failureThreshold, retryInterval.toNanos(), System::nanoTime);
    }

    NodeOutages outages() {
        return outages;
    }

    ExecutorService executor() {
        return executor;
    }

    ClusterConnectionProvider provider() {
        return provider;
    }

    Consumer<RuntimeException> nodeLost() {
        return nodeLost;
    }

    /** Commands spoken in {@code protocol} (null: Jedis' default), as the connection they go to speaks it. */
    CommandObjects commandObjects(RedisProtocol protocol) {
        Spoken s = spoken;
        if (s == null || s.protocol() != protocol) { // the first time (all connections of a client speak one protocol)
            s = new Spoken(protocol, new CommandObjects(protocol));
            spoken = s;
        }
        return s.commands();
    }
}
