package io.github.redisfilters.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** A Redis Cluster of three masters (optionally with one replica each) on loopback. */
public final class RedisClusterGroup implements AutoCloseable {
    private final List<RedisProcess> masters = new ArrayList<>();
    private final List<RedisProcess> replicas = new ArrayList<>();

    private RedisClusterGroup() {
    }

    public static RedisClusterGroup start(boolean withReplicas) {
        RedisClusterGroup g = new RedisClusterGroup();
        try {
            for (int i = 0; i < 3; i++) {
                g.masters.add(node());
            }
            int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
            for (int i = 0; i < 3; i++) {
                try (Jedis j = g.masters.get(i).admin()) {
                    j.clusterAddSlotsRange(ranges[i][0], ranges[i][1]);
                }
            }
            if (withReplicas) {
                for (int i = 0; i < 3; i++) {
                    g.replicas.add(node());
                }
            }
            RedisProcess first = g.masters.get(0);
            try (Jedis j = first.admin()) {
                for (RedisProcess p : g.all()) {
                    if (p != first) {
                        j.clusterMeet("127.0.0.1", p.port());
                    }
                }
            }
            RedisSentinelGroup.await(Duration.ofSeconds(30), () -> {
                for (RedisProcess p : g.all()) {
                    try (Jedis j = p.admin()) {
                        if (j.clusterNodes().split("\n").length < g.all().size()) {
                            return false;
                        }
                    }
                }
                return true;
            }, "cluster nodes did not meet");
            for (int i = 0; i < g.replicas.size(); i++) {
                String masterId;
                try (Jedis j = g.masters.get(i).admin()) {
                    masterId = j.clusterMyId();
                }
                RedisProcess r = g.replicas.get(i);
                RedisSentinelGroup.await(Duration.ofSeconds(20), () -> {
                    try (Jedis j = r.admin()) {
                        j.clusterReplicate(masterId);
                        return true;
                    }
                }, "replica could not replicate");
            }
            RedisSentinelGroup.await(Duration.ofSeconds(30), g::healthy, "cluster did not become ok");
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        return g;
    }

    private static RedisProcess node() {
        return RedisProcess.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "1500", "--cluster-require-full-coverage", "yes");
    }

    /** True when every live node reports {@code cluster_state:ok} and replicas are linked. */
    public boolean healthy() {
        for (RedisProcess p : all()) {
            if (!p.isAlive()) {
                continue;
            }
            try (Jedis j = p.admin()) {
                if (!j.clusterInfo().contains("cluster_state:ok")) {
                    return false;
                }
            }
        }
        for (RedisProcess r : replicas) {
            if (r.isAlive()) {
                try (Jedis j = r.admin()) {
                    String info = j.info("replication");
                    if (info.contains("role:slave") && !info.contains("master_link_status:up")) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    public List<RedisProcess> masters() {
        return masters;
    }

    public List<RedisProcess> replicas() {
        return replicas;
    }

    public List<RedisProcess> all() {
        List<RedisProcess> all = new ArrayList<>(masters);
        all.addAll(replicas);
        return all;
    }

    public List<HostAndPort> seeds() {
        return masters.stream().map(RedisProcess::hostAndPort).collect(Collectors.toList());
    }

    /** {@code host:port,…} for {@code redisClusterNodes}. */
    public String seedsParam() {
        return masters.stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
    }

    /** Sum of {@code DBSIZE} over the masters. */
    public long totalKeys() {
        long n = 0;
        for (RedisProcess p : masters) {
            if (p.isAlive()) {
                try (Jedis j = p.admin()) {
                    n += j.dbSize();
                }
            }
        }
        return n;
    }

    @Override
    public void close() {
        all().forEach(RedisProcess::kill);
    }
}
