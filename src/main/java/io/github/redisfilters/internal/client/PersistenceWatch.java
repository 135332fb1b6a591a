package io.github.redisfilters.internal.client;

import io.github.redisfilters.client.SharedRedisClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Notices when data that must survive a Redis restart (JWT revocations) lives in a Redis that
 * keeps nothing, or in one that restarted. A filter whose data matters calls {@link #checkIfDue()}
 * on its requests: at most once a minute one of them reads {@code INFO} (and {@code CONFIG GET save})
 * from the primary (every primary on Cluster). One WARN is logged when the Redis persists nothing
 * (no RDB save points and AOF off), and one for every restart or failover seen (its
 * {@code run_id} changed) — except a failover to a replica that carries on the replication history
 * of the primary seen before (its {@code master_replid2} is that primary's replication id); {@link #warning()} keeps the latest for the status servlet and JMX.
 * When {@code CONFIG} is refused (managed services often rename it), persistence counts as
 * unknown and only restarts are reported.
 */
public final class PersistenceWatch {
    /** Logged under the client's public package, as before the class moved: operators' log settings keep working. */
    private static final Logger LOG = LoggerFactory.getLogger("io.github.redisfilters.client.PersistenceWatch");
    static final long INTERVAL_NANOS = 60_000_000_000L;
    private static final long NOT_YET = Long.MIN_VALUE;

    private final SharedRedisClient client;
    private final LongSupplier nanoTime;
    private final AtomicLong nextCheck = new AtomicLong(NOT_YET);
    private final Map<String, Facts> seen = new ConcurrentHashMap<>();
    private volatile boolean watched;
    private volatile String persistsNothing;
    private volatile String restarted;

    public PersistenceWatch(SharedRedisClient client, LongSupplier nanoTime) {
        this.client = client;
        this.nanoTime = nanoTime;
    }

    /** Turns the watch on without checking (no I/O): {@link #checkNow()} and the status servlet report from now on. */
    public void watch() {
        watched = true;
    }

    /**
     * Turns the watch on and checks if the last check is a minute old (or there was none). Cheap
     * when no check is due; a due check costs the calling request one or two round trips. Never throws.
     */
    public void checkIfDue() {
        watched = true;
        long now = nanoTime.getAsLong();
        long at = nextCheck.get();
        if (at != NOT_YET && now - at < 0) {
            return;
        }
        if (nextCheck.compareAndSet(at, now + INTERVAL_NANOS)) {
            checkNow();
        }
    }

    /** Checks now if some filter turned the watch on (the status servlet calls this); never throws. */
    public void checkNow() {
        if (!watched) {
            return;
        }
        List<Facts> nodes;
        try {
            nodes = client.call(PersistenceWatch::read);
        } catch (RuntimeException e) {
            return; // Redis is away: the breaker reports that; check again next time
        }
        for (Facts f : nodes) {
            judge(f);
        }
    }

    /** Whether a filter asked for this watch. */
    public boolean watched() {
        return watched;
    }

    /** Why data in this Redis may be lost, or null when nothing suggests it (or nobody watches). */
    public String warning() {
        String a = persistsNothing;
        String b = restarted;
        return a == null ? b : b == null ? a : a + "; " + b;
    }

    private void judge(Facts f) {
        String where = client.target() + (f.node == null ? "" : " (node " + f.node + ")");
        if (f.persistsNothing && persistsNothing == null) {
            persistsNothing = "Redis at " + where + " persists nothing (no RDB save points, AOF off):"
                    + " JWT revocations are lost when it restarts and revoked tokens work again";
            LOG.warn("{}; turn on AOF (appendonly yes) or RDB snapshots (save …) on that Redis", persistsNothing);
        }
        String key = f.node == null ? "" : f.node;
        Facts before = f.runId == null ? null : seen.put(key, f);
        if (before != null && before.runId != null && !before.runId.equals(f.runId)) {
            if (f.replId2 != null && f.replId2.equals(before.replId)) {
                // a replica promoted in a failover (Sentinel, Cluster, a managed service behind one
                // name): it carries on the replication history of the primary seen before, so the
                // revocations are still there; the failover itself is reported by the client
                LOG.debug("Redis at {} failed over to a replica of the primary seen before (replication id carried on)", where);
                return;
            }
            restarted = "Redis at " + where + " restarted or failed over (run_id changed)"
                    + (f.persistsNothing ? ": every JWT revocation made before was lost"
                            : ": JWT revocations made since its last save may have been lost");
            LOG.warn("{}", restarted);
        }
    }

    /**
     * What one primary says about itself: its run id, its replication ids ({@code master_replid},
     * and {@code master_replid2}: the id of the primary it took over from when it was promoted) and
     * whether it persists nothing.
     */
    record Facts(String node, String runId, String replId, String replId2, boolean persistsNothing) {
    }

    private static List<Facts> read(UnifiedJedis j) {
        List<Facts> out = new ArrayList<>();
        if (j instanceof RedisClusterClient cluster) {
            for (Map.Entry<String, ConnectionPool> e : cluster.getClusterNodes().entrySet()) {
                try (Connection c = e.getValue().getResource()) {
                    Jedis node = new Jedis(c);
                    Facts f = facts(e.getKey(), node.info(), node::sendCommand);
                    if (f != null) {
                        out.add(f);
                    }
                }
            }
            return out;
        }
        Facts f = facts(null, j.info(), j::sendCommand);
        if (f != null) {
            out.add(f);
        }
        return out;
    }

    interface Sender {
        Object send(ProtocolCommand command, String... args);
    }

    /** Facts of a primary, null for a replica (its restart loses nothing the primary holds). */
    static Facts facts(String node, String info, Sender sender) {
        if ("slave".equals(field(info, "role"))) {
            return null;
        }
        boolean aof = "1".equals(field(info, "aof_enabled"));
        String save;
        try {
            save = configValue(sender.send(Protocol.Command.CONFIG, "GET", "save"));
        } catch (JedisDataException e) {
            save = null; // CONFIG refused or renamed: unknown, so no claim either way
        }
        String replId2 = field(info, "master_replid2");
        return new Facts(node, field(info, "run_id"), field(info, "master_replid"),
                replId2 == null || replId2.chars().allMatch(c -> c == '0') ? null : replId2, !aof && save != null && save.isBlank());
    }

    /** A field of an {@code INFO} reply, or null. */
    static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    /** The value in a {@code CONFIG GET} reply (a RESP2 list or a RESP3 map), or null. */
    private static String configValue(Object reply) {
        if (reply instanceof List<?> list && list.size() >= 2) {
            return text(list.get(1));
        }
        if (reply instanceof Map<?, ?> map && map.size() == 1) {
            return text(map.values().iterator().next());
        }
        return null;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o == null ? null : o.toString();
    }
}
