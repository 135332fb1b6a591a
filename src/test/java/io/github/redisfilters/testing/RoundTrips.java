package io.github.redisfilters.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
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
        return of(action, null, null);
    }

    /**
     * As {@link #of(Runnable)}, but the count also takes in what the server handles after
     * {@code action} returned until {@code settled} holds (e.g. a cache store that follows the
     * response). {@code settled} is asked on this counter's own connection, up to 10 s, and must
     * send exactly one command named {@code settledCommand} per question (one read event each):
     * its questions are not counted.
     */
    public long of(Runnable action, String settledCommand, Predicate<Jedis> settled) {
        admin.ping();
        Map<String, Long> commandsBefore = commandStats();
        long before = reads();
        action.run();
        long polls = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (settled != null) {
            polls++;
            if (settled.test(admin)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not settled within 10 s");
            }
        }
        long n = reads() - before - 1 - polls; // the second INFO is one read event
        Map<String, Long> after = commandStats();
        after.replaceAll((k, v) -> v - commandsBefore.getOrDefault(k, 0L));
        // this counter's own: the INFO that took the first snapshot and the two reads of the count
        // (a command is counted once it returned); any other INFO came from another client (a
        // sentinel monitoring this server) and stays visible
        long foreignInfo = after.getOrDefault("info", 0L) - 3;
        after.remove("info");
        if (foreignInfo > 0) {
            after.put("info", foreignInfo);
        }
        if (polls > 0) {
            after.merge(settledCommand, -polls, Long::sum);
        }
        after.values().removeIf(v -> v == 0);
        lastCommands = after;
        // a replica's REPLCONF ACK (each second) is a read event on a primary, not a client's round trip
        return n - after.getOrDefault("replconf", 0L);
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
