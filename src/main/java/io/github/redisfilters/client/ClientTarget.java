package io.github.redisfilters.client;

import java.nio.charset.StandardCharsets;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Names the Redis an application-supplied client talks to, for log lines and the status page.
 * The library did not build that client, so its settings say nothing (they hold the defaults):
 * the name comes from the client itself — the node map of a Cluster client, the current master
 * of a Sentinel client, otherwise the server's side of one connection ({@code CLIENT INFO}
 * {@code laddr} and {@code db}, Redis 6.2+). Never contains credentials.
 */
final class ClientTarget {
    private ClientTarget() {
    }

    static String describe(UnifiedJedis client) {
        String kind = "application-supplied " + client.getClass().getSimpleName();
        try {
            if (client instanceof RedisClusterClient cluster) {
                return kind + " (cluster " + cluster.getClusterNodes().keySet() + ")";
            }
            if (client instanceof RedisSentinelClient sentinel) {
                return kind + " (sentinel master at " + sentinel.getCurrentMaster() + ")";
            }
            String info = text(client.sendCommand(Protocol.Command.CLIENT, "INFO"));
            String laddr = field(info, "laddr");
            String db = field(info, "db");
            return laddr == null ? kind : kind + " (" + laddr + (db == null ? "" : "/" + db) + ")";
        } catch (RuntimeException e) {
            // Redis may be down while the application starts; the client still works once it is up
            return kind + " (not reachable at start: " + e.getClass().getSimpleName() + ")";
        }
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /** The value of {@code name=} in a {@code CLIENT INFO} line, or null. */
    static String field(String info, String name) {
        for (String part : info.trim().split(" ")) {
            if (part.startsWith(name + "=")) {
                String v = part.substring(name.length() + 1);
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }
}
