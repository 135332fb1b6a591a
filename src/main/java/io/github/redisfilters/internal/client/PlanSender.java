package io.github.redisfilters.internal.client;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
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
 * nothing for it, so nothing runs twice. An error meaning the node cannot serve at all
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
 * healthy one.
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
    static Results send(UnifiedJedis j, List<? extends Plan<?>> plans, ExecutorService clusterExecutor, long deadlineNanos) {
        return send(j, plans, null, clusterExecutor, deadlineNanos);
    }

    /**
     * As {@link #send(UnifiedJedis, List, ExecutorService, long)}, with each plan's commands
     * already {@linkplain #record recorded} ({@code recorded.get(i)} for {@code plans.get(i)}), or
     * null to record them now.
     */
    public static Results send(UnifiedJedis j, List<? extends Plan<?>> plans, List<List<Command>> recorded,
            ExecutorService clusterExecutor, long deadlineNanos) {
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
            pipelined(j, commands, replies, clusterExecutor, deadlineNanos);
        }
        Map<Plan<?>, Object> outcomes = new IdentityHashMap<>(plans.size() * 2);
        for (int i = 0; i < plans.size(); i++) {
            // decided when first asked for (Results#get)
            outcomes.put(plans.get(i), new Results.Pending(new Replies(replies, starts[i], starts[i + 1] - starts[i])));
        }
        return new Results(outcomes);
    }

    private static void pipelined(UnifiedJedis j, List<Command> commands, Object[] replies, ExecutorService clusterExecutor,
            long deadlineNanos) {
        List<Response<?>> responses = new ArrayList<>(commands.size());
        boolean perNode = j instanceof RedisClusterClient && clusterExecutor != null;
        AbstractPipeline p = perNode ? ((RedisClusterClient) j).pipelined(clusterExecutor) : j.pipelined();
        try (p) {
            for (Command c : commands) {
                responses.add(append(p, c));
            }
            p.sync();
        }
        JedisDataException unavailable = null;
        int lost = 0;
        RuntimeException lastLost = null;
        for (int i = 0; i < commands.size(); i++) {
            Object reply;
            try {
                reply = responses.get(i).get();
            } catch (JedisNoScriptException e) {
                reply = single(j, asEval(commands.get(i)), deadlineNanos); // EVAL also caches the script again
            } catch (JedisDataException e) {
                if (mustResend(e)) {
                    reply = single(j, commands.get(i), deadlineNanos);
                } else if (SharedRedisClient.isUnavailability(e)) {
                    unavailable = e;
                    continue;
                } else {
                    reply = new RedisUnavailableException("Redis error: " + e.getMessage(), e);
                }
            } catch (RuntimeException e) {
                // a reply that never arrived: the node's connection broke during the sync
                if (!perNode) {
                    throw new JedisConnectionException("pipeline reply missing: " + e.getMessage(), e);
                }
                // on Cluster only that node's commands are lost (a node failing over): their plans
                // fail, the other nodes' plans keep their replies; the cluster client refreshes its
                // slot map on the connection error
                reply = new RedisUnavailableException("no reply from the node serving this key: " + e.getMessage(), e);
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

    private static Response<?> append(AbstractPipeline p, Command c) {
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
