package io.github.redisfilters.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** One master, one replica and three sentinels on loopback, with quick failover settings. */
public final class RedisSentinelGroup implements AutoCloseable {
    public static final String MASTER_NAME = "mymaster";

    private final RedisProcess master;
    private final RedisProcess replica;
    private final List<RedisProcess> sentinels = new ArrayList<>();

    private RedisSentinelGroup(RedisProcess master, RedisProcess replica) {
        this.master = master;
        this.replica = replica;
    }

    public static RedisSentinelGroup start() {
        RedisProcess master = RedisProcess.start();
        RedisProcess replica = RedisProcess.start("--replicaof", "127.0.0.1", String.valueOf(master.port()));
        RedisSentinelGroup g = new RedisSentinelGroup(master, replica);
        try {
            g.awaitReplication();
            for (int i = 0; i < 3; i++) {
                int port = RedisProcess.freePort();
                RedisProcess s = RedisProcess.prepare(port, List.of(), true);
                Files.writeString(s.dir().resolve("sentinel.conf"), String.join("\n",
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                        "sentinel failover-timeout " + MASTER_NAME + " 4000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
                s.launch();
                g.sentinels.add(s);
            }
            g.awaitSentinelsSeeEachOther();
        } catch (IOException e) {
            g.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        return g;
    }

    private void awaitReplication() {
        await(Duration.ofSeconds(20), () -> {
            try (Jedis j = replica.admin()) {
                return j.info("replication").contains("master_link_status:up");
            }
        }, "replica did not sync");
    }

    private void awaitSentinelsSeeEachOther() {
        await(Duration.ofSeconds(20), () -> {
            for (RedisProcess s : sentinels) {
                try (Jedis j = s.admin()) {
                    List<java.util.Map<String, String>> replicas = j.sentinelReplicas(MASTER_NAME);
                    java.util.Map<String, String> m = j.sentinelMaster(MASTER_NAME);
                    if (replicas.isEmpty() || Integer.parseInt(m.getOrDefault("num-other-sentinels", "0")) < 2) {
                        return false;
                    }
                }
            }
            return true;
        }, "sentinels did not discover each other and the replica");
    }

    static void await(Duration max, java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // retry
            }
            RedisProcess.sleep(100);
        }
        throw new IllegalStateException(what + " within " + max);
    }

    public RedisProcess master() {
        return master;
    }

    public RedisProcess replica() {
        return replica;
    }

    public List<HostAndPort> sentinelNodes() {
        return sentinels.stream().map(RedisProcess::hostAndPort).collect(Collectors.toList());
    }

    /** {@code host:port,host:port,…} of the sentinels, for {@code redisSentinelNodes}. */
    public String sentinelNodesParam() {
        return sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
    }

    /** The port the sentinels currently name as master. */
    public int currentMasterPort() {
        try (Jedis j = sentinels.get(0).admin()) {
            return Integer.parseInt(j.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }

    /** Kills the current master and waits until the sentinels have promoted the replica. */
    public RedisProcess killMasterAndAwaitFailover() {
        int old = currentMasterPort();
        RedisProcess victim = old == master.port() ? master : replica;
        RedisProcess survivor = victim == master ? replica : master;
        victim.kill();
        await(Duration.ofSeconds(30), () -> currentMasterPort() == survivor.port(), "sentinels did not fail over");
        await(Duration.ofSeconds(10), () -> {
            try (Jedis j = survivor.admin()) {
                return j.info("replication").contains("role:master");
            }
        }, "promoted replica did not become master");
        return survivor;
    }

    @Override
    public void close() {
        sentinels.forEach(RedisProcess::kill);
        master.kill();
        replica.kill();
    }
}
