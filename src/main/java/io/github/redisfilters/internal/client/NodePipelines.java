package io.github.redisfilters.internal.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Sends the commands of one Cluster batch as one pipeline per node, the nodes' pipelines synced in
 * parallel, and says for each command either its {@link redis.clients.jedis.Response} or the
 * failure that lost its node's pipeline.
 *
 * <p>Made here rather than by Jedis' {@code ClusterPipeline}: that one neither renews the slot
 * map when a node's connection fails (a dead primary keeps being asked after its replica took
 * over) nor keeps a failure to its node (its sync removes the failed node from a map it is
 * iterating on another thread, and a second sync then meets a node without connection).
 * Here each node's pipeline has its own connection and its own outcome, and
 * {@link ClusterRouting#nodeLost()} hears of every failure.
 */
final class NodePipelines {
    private NodePipelines() {
    }

    /**
     * Returns, index for index with {@code commands}, a {@code Response} (set) or the
     * {@link RuntimeException} that failed that command's node.
     */
    static Object[] send(List<PlanSender.Command> commands, ClusterRouting routing) {
        ClusterConnectionProvider provider = routing.provider();
        Map<HostAndPort, List<Integer>> byNode = new HashMap<>(4);
        for (int i = 0; i < commands.size(); i++) {
            byNode.computeIfAbsent(nodeOf(provider, commands.get(i)), n -> new ArrayList<>(4)).add(i);
        }
        Object[] sent = new Object[commands.size()];
        List<Map.Entry<HostAndPort, List<Integer>>> nodes = new ArrayList<>(byNode.entrySet());
        List<Future<?>> others = new ArrayList<>(nodes.size());
        for (int n = 1; n < nodes.size(); n++) {
            Map.Entry<HostAndPort, List<Integer>> node = nodes.get(n);
            others.add(routing.executor().submit(() -> sendTo(node.getKey(), node.getValue(), commands, sent, routing)));
        }
        sendTo(nodes.get(0).getKey(), nodes.get(0).getValue(), commands, sent, routing);
        boolean interrupted = false;
        for (Future<?> f : others) {
            while (true) {
                try {
                    f.get(); // sendTo throws nothing: its failures are in sent
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // wait on: the node's reply is bounded by the socket timeout
                } catch (ExecutionException e) {
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return sent;
    }

    /** The primary serving the command's slot as the client's map has it; null for a keyless command or an unmapped slot. */
    private static HostAndPort nodeOf(ClusterConnectionProvider provider, PlanSender.Command c) {
        return c.keys().length == 0 ? null : provider.getNode(JedisClusterCRC16.getSlot(c.keys()[0]));
    }

    /** One node's pipeline: its commands' responses into {@code sent}, or its failure for each of them. */
    private static void sendTo(HostAndPort node, List<Integer> indexes, List<PlanSender.Command> commands, Object[] sent,
            ClusterRouting routing) {
        RuntimeException refused = routing.outages().refusal(node);
        if (refused != null) { // failed again and again lately: not asked until its pause is over
            for (int i : indexes) {
                sent[i] = refused;
            }
            routing.nodeLost().accept(refused); // the slot map may name its replacement by now
            return;
        }
        try {
            // null: any reachable primary (a keyless command, or a slot the map lacks: MOVED then
            // tells where it lives and the command is re-sent alone)
            Connection connection = node == null ? routing.provider().getConnection() : routing.provider().getConnection(node);
            try (ConnectionPipeline p = new ConnectionPipeline(connection, routing.commandObjects(connection.getRedisProtocol()))) {
                for (int i : indexes) {
                    sent[i] = PlanSender.append(p, commands.get(i));
                }
                p.sync();
            }
            routing.outages().answered(node);
        } catch (RuntimeException e) {
            for (int i : indexes) {
                sent[i] = e;
            }
            routing.outages().failed(node, e);
            routing.nodeLost().accept(e);
        }
    }
}
