package io.github.redisfilters.internal.client;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Sends the commands of any set of {@link Plan}s as one pipeline (on Cluster: one pipeline per
 * node, synced in parallel) and hands each plan its replies. A command that could not run where
 * it was sent — {@code NOSCRIPT} (the script is re-sent with {@code EVAL}), Cluster {@code TRYAGAIN}
 * (re-sent after a short pause, up to the socket timeout), {@code MOVED}/{@code ASK} (re-sent
 * through the cluster client, which follows the redirection) — is re-sent on its own: Redis ran
 * nothing for it, so nothing runs twice. It then runs after the rest of its pipeline: a plan must
 * not depend on the order in which its commands and other plans' commands run. An error meaning the node cannot serve at all
 * ({@code READONLY}, {@code LOADING}, …) or a broken connection fails the whole batch, so that
 * {@link SharedRedisClient#call} applies its breaker and reconnect rules once.
 *
 * <p>What is retried after a failover behind one address: a batch with a {@code READONLY},
 * {@code LOADING} or {@code MASTERDOWN} reply is sent again as a whole, once, by
 * {@link SharedRedisClient#call} after it renewed the standalone pool, and the plans decide from
 * the second replies only. That is safe because the whole pipeline went over one connection to
 * that one node: a replica ran none of its writes (every write answered {@code READONLY}) and a
 * loading node ran nothing, so only reads run twice. A batch whose connection broke is not
 * re-sent (some of its writes may have run); the pool is renewed all the same. On Cluster, where
 * each node has its own pipeline, a node whose connection broke fails only the plans with
 * commands on it: another filter's write to a failing-over node does not fail a session save on a
 * healthy one. Those per-node pipelines are made by {@link NodePipelines} for a Cluster client the
 * library built, which tells {@link ClusterRouting#nodeLost()} of the failure so that the slot map
 * is renewed and the next batch reaches the replica promoted in the dead node's place.
 */
public final class PlanSender {
    private static final long TRYAGAIN_FIRST_PAUSE_MILLIS = 2;
    private static final long TRYAGAIN_MAX_PAUSE_MILLIS = 50;

    private PlanSender() {
    }

    /** One recorded command. */
    public record Command(Kind kind, LuaScript script, byte[][] keys, byte[][] args) {
        /** {@code EVAL} is {@code EVALSHA} with the {@code EVAL} fallback; {@code EVAL_SOURCE} sends the source at once. */
        enum Kind { EVAL, EVAL_SOURCE, GET, HGETALL, MGET, DEL }
    }

    private static Command asEval(Command c) {
        return new Command(Command.Kind.EVAL_SOURCE, c.script(), c.keys(), c.args());
    }

    /** The commands {@code plan} adds, in order. */
    static List<Command> record(Plan<?> plan) {
        Recorder r = new Recorder();
        plan.addTo(r);
        return r.commands;
    }

    /** Records what plans add. */
    static final class Recorder implements Commands {
        final List<Command> commands = new ArrayList<>(4);

        @Override
        public void eval(LuaScript script, List<byte[]> keys, List<byte[]> args) {
            commands.add(new Command(Command.Kind.EVAL, script, keys.toArray(new byte[0][]), args.toArray(new byte[0][])));
        }

        @Override
        public void get(byte[] key) {
            commands.add(new Command(Command.Kind.GET, null, new byte[][] {key}, null));
        }

        @Override
        public void hgetall(byte[] key) {
            commands.add(new Command(Command.Kind.HGETALL, null, new byte[][] {key}, null));
        }

        @Override
        public void mget(List<byte[]> keys) {
            commands.add(new Command(Command.Kind.MGET, null, keys.toArray(new byte[0][]), null));
        }

        @Override
        public void del(List<byte[]> keys) {
            commands.add(new Command(Command.Kind.DEL, null, keys.toArray(new byte[0][]), null));
        }
    }

    /**
     * Runs inside {@link SharedRedisClient#call}: sends every plan's commands and hands each plan
     * its replies (decided when the results are asked for it). Throws (so that the caller's breaker sees it) only for failures of the whole batch.
     */
    static Results send(UnifiedJedis j, List<? extends Plan<?>> plans, ClusterRouting cluster, long deadlineNanos) {
        return send(j, plans, null, cluster, deadlineNanos);
    }

    /**
     * As {@link #send(UnifiedJedis, List, ClusterRouting, long)}, with each plan's commands
     * already {@linkplain #record recorded} ({@code recorded.get(i)} for {@code plans.get(i)}), or
     * null to record them now. {@code cluster} is null unless {@code j} is a Cluster client.
     */
    public static Results send(UnifiedJedis j, List<? extends Plan<?>> plans, List<List<Command>> recorded,
            ClusterRouting cluster, long deadlineNanos) {
        List<Command> commands;
        int[] starts = new int[plans.size() + 1];
        if (recorded == null) {
            Recorder recorder = new Recorder();
            for (int i = 0; i < plans.size(); i++) {
                starts[i] = recorder.commands.size();
                plans.get(i).addTo(recorder);
            }
            commands = recorder.commands;
        } else {
            commands = new ArrayList<>(plans.size() * 2);
            for (int i = 0; i < plans.size(); i++) {
                starts[i] = commands.size();
                commands.addAll(recorded.get(i));
            }
        }
        starts[plans.size()] = commands.size();
        Object[] replies = new Object[commands.size()];
        if (commands.size() == 1) {
            replies[0] = single(j, commands.get(0), deadlineNanos);
        } else if (!commands.isEmpty()) {
            pipelined(j, commands, replies, cluster, deadlineNanos);
        }
        Map<Plan<?>, Object> outcomes = new IdentityHashMap<>(plans.size() * 2);
        for (int i = 0; i < plans.size(); i++) {
            // decided when first asked for (Results#get)
            outcomes.put(plans.get(i), new Results.Pending(new Replies(replies, starts[i], starts[i + 1] - starts[i])));
        }
        return new Results(outcomes);
    }

    private static void pipelined(UnifiedJedis j, List<Command> commands, Object[] replies, ClusterRouting cluster,
            long deadlineNanos) {
        // on Cluster each node has its own pipeline: a node that fails loses only its own commands
        boolean perNode = cluster != null;
        Object[] sent = perNode && cluster.provider() != null
                ? NodePipelines.send(commands, cluster)
                : jedisPipeline(j, commands, cluster);
        JedisDataException unavailable = null;
        int lost = 0;
        RuntimeException lastLost = null;
        for (int i = 0; i < commands.size(); i++) {
            Object reply;
            if (sent[i] instanceof RuntimeException e) {
                // its node's pipeline failed (connection refused, broken, timed out): no reply
                reply = lost(perNode, e);
                lost++;
                lastLost = e;
                replies[i] = reply;
                continue;
            }
            try {
                reply = ((Response<?>) sent[i]).get();
            } catch (JedisNoScriptException e) {
                reply = single(j, asEval(commands.get(i)), deadlineNanos); // EVAL also caches the script again
            } catch (JedisDataException e) {
                if (mustResend(e)) {
                    // MOVED/ASK: the cluster client follows it (and renews its slot map on MOVED)
                    reply = single(j, commands.get(i), deadlineNanos);
                } else if (SharedRedisClient.isUnavailability(e)) {
                    unavailable = e;
                    continue;
                } else {
                    reply = new RedisUnavailableException("Redis error: " + e.getMessage(), e);
                }
            } catch (RuntimeException e) {
                // a reply that never arrived: the node's connection broke during the sync
                reply = lost(perNode, e);
                lost++;
                lastLost = e;
            }
            replies[i] = reply;
        }
        if (unavailable != null) {
            throw unavailable;
        }
        if (lost == commands.size()) {
            // no node answered: the whole batch fails, for the breaker
            throw new JedisConnectionException("pipeline replies missing: " + lastLost.getMessage(), lastLost);
        }
    }

    /**
     * The reply standing for one that never came: on Cluster only that node's commands are lost
     * (a node failing over; the slot map is being renewed), their plans fail and the other
     * nodes' plans keep their replies; elsewhere the whole batch fails.
     */
    private static Object lost(boolean perNode, RuntimeException e) {
        if (!perNode) {
            throw new JedisConnectionException("pipeline reply missing: " + e.getMessage(), e);
        }
        return new RedisUnavailableException("no reply from the node serving this key: " + e.getMessage(), e);
    }

    /**
     * One pipeline made by Jedis: a standalone or Sentinel client's, or an application-supplied
     * Cluster client's (whose slot map the library cannot renew). Returns the responses.
     */
    private static Object[] jedisPipeline(UnifiedJedis j, List<Command> commands, ClusterRouting cluster) {
        Object[] sent = new Object[commands.size()];
        AbstractPipeline p = cluster != null ? ((RedisClusterClient) j).pipelined(cluster.executor()) : j.pipelined();
        try (p) {
            for (int i = 0; i < commands.size(); i++) {
                sent[i] = append(p, commands.get(i));
            }
            p.sync();
        }
        return sent;
    }

    static Response<?> append(AbstractPipeline p, Command c) {
        return switch (c.kind()) {
            case EVAL -> p.evalsha(c.script().sha1Bytes(), List.of(c.keys()), List.of(c.args()));
            case EVAL_SOURCE -> p.eval(c.script().sourceBytes(), List.of(c.keys()), List.of(c.args()));
            case GET -> p.get(c.keys()[0]);
            case HGETALL -> p.hgetAll(c.keys()[0]);
            case MGET -> p.mget(c.keys());
            case DEL -> p.del(c.keys());
        };
    }

    /**
     * Runs one command on its own, following NOSCRIPT, TRYAGAIN and redirections. Returns the
     * reply, or a {@link RedisUnavailableException} standing for an error reply; throws an
     * unavailability error (READONLY, …) or a connection failure for the caller's breaker.
     */
    static Object single(UnifiedJedis j, Command c, long deadlineNanos) {
        for (long pause = TRYAGAIN_FIRST_PAUSE_MILLIS; ; pause = Math.min(2 * pause, TRYAGAIN_MAX_PAUSE_MILLIS)) {
            try {
                return run(j, c);
            } catch (JedisDataException e) {
                if (SharedRedisClient.isUnavailability(e)) {
                    throw e;
                }
                if (isTryAgain(e) && System.nanoTime() + pause * 1_000_000L - deadlineNanos < 0 && pause(pause)) {
                    continue;
                }
                return new RedisUnavailableException("Redis error: " + e.getMessage(), e);
            }
        }
    }

    private static Object run(UnifiedJedis j, Command c) {
        switch (c.kind()) {
            case EVAL:
                List<byte[]> keys = List.of(c.keys());
                List<byte[]> args = List.of(c.args());
                try {
                    return j.evalsha(c.script().sha1Bytes(), keys, args);
                } catch (JedisNoScriptException e) {
                    return j.eval(c.script().sourceBytes(), keys, args);
                }
            case EVAL_SOURCE:
                return j.eval(c.script().sourceBytes(), List.of(c.keys()), List.of(c.args()));
            case GET:
                return j.get(c.keys()[0]);
            case HGETALL:
                return j.hgetAll(c.keys()[0]);
            case MGET:
                return j.mget(c.keys());
            default:
                return j.del(c.keys());
        }
    }

    private static boolean mustResend(JedisDataException e) {
        return isTryAgain(e) || e instanceof redis.clients.jedis.exceptions.JedisRedirectionException;
    }

    /** A Cluster {@code TRYAGAIN} reply (a slot in migration): nothing ran, the command may be re-sent. */
    public static boolean isTryAgain(JedisDataException e) {
        return e.getMessage() != null && e.getMessage().startsWith("TRYAGAIN");
    }

    /** False when interrupted (the interrupt is kept for the container). */
    public static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
