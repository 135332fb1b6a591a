package io.github.redisfilters.testing;

import java.time.Duration;
import redis.clients.jedis.Jedis;

/**
 * A managed Redis as a cloud service runs it, on loopback: two real {@code redis-server}s (a
 * primary and its replica) behind one address (a {@link TcpForwarder} standing for the DNS name).
 * {@link #failover()} does what the service does: promote the replica, demote the old primary to
 * a replica of it (it then answers {@code READONLY}), and point the name at the new primary for
 * new connections only.
 */
public final class ManagedRedis implements AutoCloseable {
    private final RedisProcess[] nodes = new RedisProcess[2];
    private final TcpForwarder address;
    private int primary;

    private ManagedRedis() {
        nodes[0] = RedisProcess.start();
        nodes[1] = RedisProcess.start("--replicaof", "127.0.0.1", String.valueOf(nodes[0].port()));
        address = TcpForwarder.start(nodes[0].port());
        awaitInSync();
    }

    /** Starts the pair, the first node primary, the address pointing at it. */
    public static ManagedRedis start() {
        return new ManagedRedis();
    }

    /** The URL the application uses: the forwarder. */
    public String url() {
        return address.url();
    }

    public TcpForwarder address() {
        return address;
    }

    public RedisProcess primary() {
        return nodes[primary];
    }

    public RedisProcess replica() {
        return nodes[1 - primary];
    }

    /** Waits until the replica has everything the primary wrote (so a failover loses nothing). */
    public void awaitInSync() {
        RedisProcess p = primary();
        RedisProcess r = replica();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() - deadline < 0) {
            try (Jedis pj = p.admin(); Jedis rj = r.admin()) {
                String ri = rj.info("replication");
                long master = field(pj.info("replication"), "master_repl_offset:");
                if (ri.contains("master_link_status:up") && master >= 0 && master == field(ri, "slave_repl_offset:")) {
                    return;
                }
            }
            RedisProcess.sleep(20);
        }
        throw new IllegalStateException("replica did not catch up with the primary");
    }

    /**
     * Managed failover: the replica becomes primary, the old primary its replica (answering
     * {@code READONLY} to writes on the connections still open to it), then the address sends new
     * connections to the new primary. Returns {@link System#nanoTime()} at the address switch.
     */
    public long failover() {
        promoteReplica();
        return moveAddress();
    }

    /**
     * The first half of {@link #failover()}: the replica becomes primary and the old primary its
     * replica, but the address still sends new connections to the old one (a DNS change not yet
     * seen by the application).
     */
    public void promoteReplica() {
        RedisProcess promoted = replica();
        RedisProcess demoted = primary();
        try (Jedis p = promoted.admin(); Jedis d = demoted.admin()) {
            p.replicaofNoOne();
            d.replicaof("127.0.0.1", promoted.port());
        }
        primary = 1 - primary;
    }

    /** The second half of {@link #failover()}: new connections go to the primary. Returns {@link System#nanoTime()} then. */
    public long moveAddress() {
        address.switchTo(primary().port());
        return System.nanoTime();
    }

    /**
     * The old primary goes away entirely (killed: its connections break, new ones are refused)
     * while the replica is promoted and the address switched. Returns {@link System#nanoTime()}
     * at the address switch.
     */
    public long failoverPrimaryGone() {
        RedisProcess promoted = replica();
        RedisProcess gone = primary();
        try (Jedis p = promoted.admin()) {
            p.replicaofNoOne();
        }
        gone.kill();
        primary = 1 - primary;
        address.switchTo(promoted.port());
        return System.nanoTime();
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim());
            }
        }
        return -1;
    }

    @Override
    public void close() {
        address.close();
        nodes[0].close();
        nodes[1].close();
    }
}
