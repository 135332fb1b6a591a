package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.RedisSentinelGroup;
import io.github.redisfilters.testing.RoundTrips;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The chain's batching through Sentinel and on Redis Cluster. On Cluster the keys of one request
 * (session, rate-limit counter, blacklist entries, cache entry) live on several nodes: the batch
 * sends one pipeline per node, together, so no node sees more than one round trip for the
 * request's lookups. Answers are the same as with batching off.
 */
class ChainTopologyIT {
    /** Round trips on each of {@code nodes} during an action; the sum is the count. */
    static final class PerNode implements ChainApp.Counter {
        final List<RedisProcess> nodes;
        final Map<Integer, Long> perNode = new LinkedHashMap<>();
        String commands = "";

        PerNode(List<RedisProcess> nodes) {
            this.nodes = nodes;
        }

        @Override
        public long of(Runnable action, String settledKey) {
            List<RoundTrips> counters = new ArrayList<>();
            nodes.forEach(n -> counters.add(new RoundTrips(n)));
            try {
                // the innermost counter waits for the key on the node that holds it; outer ones only
                // count (the key's node is found by asking each: a MOVED answer means another node)
                RedisProcess holder = settledKey == null ? null : holderOf(settledKey);
                Runnable nested = action;
                long[] counts = new long[nodes.size()];
                for (int i = counters.size() - 1; i >= 0; i--) {
                    int k = i;
                    Runnable inner = nested;
                    boolean waits = holder != null && nodes.get(k) == holder;
                    nested = () -> counts[k] = waits ? counters.get(k).of(inner, "exists", j -> j.exists(settledKey))
                            : counters.get(k).of(inner);
                }
                nested.run();
                long sum = 0;
                StringBuilder c = new StringBuilder();
                for (int i = 0; i < counts.length; i++) {
                    perNode.put(nodes.get(i).port(), counts[i]);
                    sum += counts[i];
                    c.append(nodes.get(i).port()).append('=').append(counters.get(i).lastCommands()).append(' ');
                }
                commands = c.toString().trim();
                return sum;
            } finally {
                counters.forEach(RoundTrips::close);
            }
        }

        @Override
        public String commands() {
            return commands;
        }

        /** The node serving the key's slot (asked before the measurement, on a connection of its own). */
        RedisProcess holderOf(String key) {
            int slot = redis.clients.jedis.util.JedisClusterCRC16.getSlot(key);
            for (RedisProcess n : nodes) {
                try (redis.clients.jedis.Jedis j = n.admin()) {
                    j.exists(key);
                    return n;
                } catch (redis.clients.jedis.exceptions.JedisMovedDataException e) {
                    // another node's slot
                }
            }
            throw new IllegalStateException("no node serves slot " + slot);
        }

        long max() {
            return perNode.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    @Test
    void throughSentinelTheChainCostsWhatItCostsOnOneServer() {
        try (RedisSentinelGroup sentinel = RedisSentinelGroup.start()) {
            Map<String, String> params = Map.of("redisSentinelMaster", RedisSentinelGroup.MASTER_NAME,
                    "redisSentinelNodes", sentinel.sentinelNodesParam());
            Supplier<ChainApp.Counter> onMaster = () -> new PerNode(List.of(sentinel.master()));
            List<ChainApp.Seen> batched = null;
            // The sentinels talk to the master on their own (PING each second, PUBLISH hello, INFO):
            // a walk during which one of their commands reached it counted a read event that is not
            // the library's, so it is walked again (with a fresh prefix) — at most three times.
            for (int attempt = 1; attempt <= 3 && (batched == null || disturbedBySentinels(batched)); attempt++) {
                try (ChainApp app = ChainApp.start(ContainerKind.JETTY, params, true, "sentinel1." + attempt + ":")) {
                    batched = app.walk(onMaster);
                }
            }
            assertThat(disturbedBySentinels(batched)).as("three walks in a row met sentinel traffic: %s", batched).isFalse();
            assertThat(batched.get(0).roundTrips()).as("cached page: %s", batched.get(0)).isEqualTo(1);
            assertThat(batched.get(1).roundTrips()).as("session read: %s", batched.get(1)).isEqualTo(1);
            assertThat(batched.get(2).roundTrips()).as("session write: %s", batched.get(2)).isEqualTo(2);
            assertThat(batched.get(3).roundTrips()).as("cache miss: %s", batched.get(3)).isEqualTo(2);
            List<ChainApp.Seen> alone;
            try (ChainApp app = ChainApp.start(ContainerKind.JETTY, params, false, "sentinel2:")) {
                alone = app.walk(onMaster);
            }
            assertThat(ChainApp.answers(alone)).as("answered alike").isEqualTo(ChainApp.answers(batched));
        }
    }

    /** Whether a command only a sentinel sends to a master ran during one of the walk's measurements. */
    static boolean disturbedBySentinels(List<ChainApp.Seen> walk) {
        for (ChainApp.Seen s : walk) {
            if (s.commands().matches("(?s).*\\b(ping|publish|info)=.*")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void onClusterEachNodeSeesAtMostOneRoundTripForTheLookups() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false)) {
            Map<String, String> params = Map.of("redisClusterNodes", cluster.seedsParam());
            List<PerNode> used = new ArrayList<>();
            Supplier<ChainApp.Counter> perNode = () -> {
                PerNode p = new PerNode(cluster.masters());
                used.add(p);
                return p;
            };
            List<ChainApp.Seen> batched;
            try (ChainApp app = ChainApp.start(ContainerKind.JETTY, params, true, "cluster1:")) {
                batched = app.walk(perNode);
            }
            assertThat(batched.get(0).cache()).isEqualTo("HIT");
            assertThat(used.get(0).max()).as("cached page, per node: %s", used.get(0).commands()).isEqualTo(1);
            assertThat(used.get(1).max()).as("session read, per node: %s", used.get(1).commands()).isEqualTo(1);
            assertThat(used.get(2).max()).as("session write (reads, then writes), per node: %s", used.get(2).commands())
                    .isLessThanOrEqualTo(2);
            assertThat(used.get(3).max()).as("cache miss (lookups, then store), per node: %s", used.get(3).commands())
                    .isLessThanOrEqualTo(2);
            List<ChainApp.Seen> alone;
            try (ChainApp app = ChainApp.start(ContainerKind.JETTY, params, false, "cluster2:")) {
                alone = app.walk(perNode);
            }
            assertThat(ChainApp.answers(alone)).as("answered alike").isEqualTo(ChainApp.answers(batched));
        }
    }
}
