package io.github.redisfilters.internal.client;

import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * How {@link PlanSender} sends a batch to a Redis Cluster: the executor syncing the per-node
 * pipelines in parallel, and — for a client the library built — the connection provider that
 * routes by slot and whom to tell when a node's connection failed (so that the slot map is
 * renewed). {@code provider} is null for an application-supplied cluster client, whose pipelines
 * Jedis makes.
 *
 * <p>Internal: for the shared client ({@code io.github.redisfilters.client}), not API; it may change
 * in any release.
 *
 * @param executor  runs every task it is given (on the caller's thread when it has none free)
 * @param provider  the client's provider, or null
 * @param nodeLost  told the failure of a node's pipeline (a connection refused, broken or timed out)
 */
public record ClusterRouting(ExecutorService executor, ClusterConnectionProvider provider, Consumer<RuntimeException> nodeLost) {
}
