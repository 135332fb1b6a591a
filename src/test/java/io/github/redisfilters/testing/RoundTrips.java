package io.github.redisfilters.testing;

import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Counts Redis round trips the way Redis itself sees them: {@code total_reads_processed} (read
 * events on client sockets) while an action runs, on one held admin connection.
 *
 * <p>A closed connection also costs the server one read event (the end of stream). A connection
 * closed just before the measurement could have its event counted inside it, so the measurement
 * first sends a {@code PING}: Redis answers only after every event ready with it was handled.
 * Do not open or close other connections to this server while the action runs.
 */
public final class RoundTrips implements AutoCloseable {
    private final Jedis admin;
    private Map<String, Long> lastCommands = Map.of();

    public RoundTrips(RedisProcess redis) {
        this.admin = redis.admin();
    }

    /** Read events the server handled while {@code action} ran (the measuring commands excluded). */
    public long of(Runnable action) {
        admin.ping();
        Map<String, Long> commandsBefore = commandStats();
        long before = reads();
        action.run();
        long n = reads() - before - 1; // the second INFO is one read event
        Map<String, Long> after = commandStats();
        after.replaceAll((k, v) -> v - commandsBefore.getOrDefault(k, 0L));
        after.values().removeIf(v -> v == 0);
        after.remove("info");
        lastCommands = after;
        return n;
    }

    /** The commands (name → calls) Redis ran during the last {@link #of}, to explain a count. */
    public Map<String, Long> lastCommands() {
        return lastCommands;
    }

    private long reads() {
        String info = admin.info("stats");
        int i = info.indexOf("total_reads_processed:");
        return Long.parseLong(info.substring(i + 22, info.indexOf('\r', i)));
    }

    private Map<String, Long> commandStats() {
        Map<String, Long> out = new HashMap<>();
        for (String line : admin.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                int c = line.indexOf("calls=");
                out.put(line.substring(8, line.indexOf(':')), Long.parseLong(line.substring(c + 6, line.indexOf(',', c))));
            }
        }
        return out;
    }

    @Override
    public void close() {
        admin.close();
    }
}
