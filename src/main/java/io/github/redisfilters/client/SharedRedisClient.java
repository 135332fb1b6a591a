package io.github.redisfilters.client;

import io.github.redisfilters.internal.client.CircuitBreaker;
import io.github.redisfilters.internal.client.ClusterRouting;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.client.PersistenceWatch;
import io.github.redisfilters.internal.client.Plan;
import io.github.redisfilters.internal.client.PlanSender;
import io.github.redisfilters.internal.client.Results;
import jakarta.servlet.ServletContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The one Redis client of a web application, shared by every filter and guarded by a
 * {@link CircuitBreaker}.
 *
 * <p>Obtain it with {@link #acquire(ServletContext, RedisSettings)} (filters do this in
 * {@code init}) and give it back with {@link #release(ServletContext, SharedRedisClient)} (in
 * {@code destroy}). Filters with the same connection settings share one client; it is created on
 * first acquire, connects lazily (so the application deploys while Redis is down) and is closed
 * exactly once, when the last holder releases it. There is no static state: the registry lives in
 * a {@link ServletContext} attribute.
 *
 * <p>An application may hand in its own client, either through
 * {@link RedisSettings.Builder#client(UnifiedJedis)} or by storing a {@link UnifiedJedis} in the
 * context attribute {@link #CLIENT_ATTRIBUTE} before the filters initialise; such a client is
 * never closed by the library.
 */
public final class SharedRedisClient {
    /** Context attribute under which an application may publish its own {@link UnifiedJedis}. */
    public static final String CLIENT_ATTRIBUTE = "io.github.redisfilters.client.UnifiedJedis";
    static final String REGISTRY_ATTRIBUTE = SharedRedisClient.class.getName() + ".registry";

    private static final Logger LOG = LoggerFactory.getLogger(SharedRedisClient.class);
    /** First and longest pause between attempts of a command Redis Cluster answered {@code TRYAGAIN}. */
    private static final long TRYAGAIN_FIRST_PAUSE_MILLIS = 2;
    private static final long TRYAGAIN_MAX_PAUSE_MILLIS = 50;

    private final RedisSettings settings;
    private final String target;
    private final CircuitBreaker breaker;
    /** {@code socketTimeout} in nanoseconds: the deadline of TRYAGAIN retries and READONLY re-sends. */
    private final long socketTimeoutNanos;
    private final PersistenceWatch persistence;
    private final boolean owned;
    private final Function<RedisSettings, RedisClientFactory.Built> factory;
    private final LongSupplier nanoTime;
    private volatile UnifiedJedis jedis;
    /** The renewable pool of a standalone client built here; null for Sentinel, Cluster and supplied clients. */
    private volatile PrimaryConnectionFactory renewal;
    /** The slot map renewal of a Cluster client built here; null for the other kinds and supplied clients. */
    private volatile ClusterSlotRenewal slotRenewal;
    private volatile boolean closed;
    private volatile java.util.concurrent.ExecutorService clusterExecutor;
    /** How batches reach a Cluster (made with {@link #clusterExecutor}); null before the first and for other kinds. */
    private volatile ClusterRouting clusterRouting;

    SharedRedisClient(RedisSettings settings, UnifiedJedis external, Function<RedisSettings, RedisClientFactory.Built> factory,
            LongSupplier nanoTime) {
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.owned = external == null;
        this.jedis = external;
        this.factory = factory;
        this.target = external == null ? settings.describeTarget() : ClientTarget.describe(external);
        this.socketTimeoutNanos = settings.socketTimeout().toNanos();
        this.breaker = new CircuitBreaker(target, settings.failureThreshold(), settings.retryInterval().toNanos(), nanoTime);
        this.persistence = new PersistenceWatch(this, nanoTime);
    }

    /** A standalone client not registered in any context (tests, benchmarks, application code). */
    public static SharedRedisClient create(RedisSettings settings) {
        return new SharedRedisClient(settings, settings.externalClient(), RedisClientFactory::create, System::nanoTime);
    }

    /**
     * Returns the context's client for these settings, creating it on first use. Each call must
     * be matched by one {@link #release}.
     */
    public static SharedRedisClient acquire(ServletContext context, RedisSettings settings) {
        Registry registry;
        synchronized (context) {
            registry = (Registry) context.getAttribute(REGISTRY_ATTRIBUTE);
            if (registry == null) {
                registry = new Registry();
                context.setAttribute(REGISTRY_ATTRIBUTE, registry);
            }
        }
        RedisSettings effective = settings;
        Object published = context.getAttribute(CLIENT_ATTRIBUTE);
        if (settings.externalClient() == null && published instanceof UnifiedJedis j) {
            effective = copyWithClient(settings, j);
        }
        return registry.acquire(effective);
    }

    /** Gives back a client obtained from {@link #acquire}; the last release closes it. */
    public static void release(ServletContext context, SharedRedisClient client) {
        Registry registry = (Registry) context.getAttribute(REGISTRY_ATTRIBUTE);
        if (registry != null && client != null && registry.release(client)) {
            synchronized (context) {
                if (registry.isEmpty()) {
                    context.removeAttribute(REGISTRY_ATTRIBUTE);
                }
            }
        }
    }

    /** Every client currently held in this context (for status reporting). */
    public static List<SharedRedisClient> all(ServletContext context) {
        Registry registry = (Registry) context.getAttribute(REGISTRY_ATTRIBUTE);
        return registry == null ? List.of() : registry.clients();
    }

    private static RedisSettings copyWithClient(RedisSettings s, UnifiedJedis j) {
        return RedisSettings.builder().client(j).keyPrefix(s.keyPrefix()).failureThreshold(s.failureThreshold())
                .retryInterval(s.retryInterval()).socketTimeout(s.socketTimeout()).build();
    }

    /**
     * Runs {@code op} against Redis through the breaker.
     *
     * <p>A Redis Cluster {@code TRYAGAIN} (a multi-key command while the keys' slot is being
     * migrated and they are split between two nodes; Redis ran nothing) is not an outage: {@code op}
     * is run again after a short pause, for up to the socket timeout, and only then does the
     * caller get a {@link RedisUnavailableException} (the filter's failure mode). {@code op} must
     * therefore be safe to re-run from its start when one of its commands answers {@code TRYAGAIN}.
     * In this library only multi-key commands can (single-key ones follow {@code ASK} instead),
     * and each is the whole of its operation: a script call (its {@code EVALSHA} or {@code EVAL}
     * fallback ran nothing when it answers) or an {@code MGET}.
     *
     * <p>A managed Redis that failed over behind one host name leaves the pooled connections on
     * the demoted node, which answers {@code READONLY}. On {@code READONLY}, {@code LOADING} or
     * {@code MASTERDOWN} a standalone client renews its pool (connections made before are closed,
     * new ones look the name up again and connect only to a primary) and runs {@code op} once
     * more: such a reply means the node ran nothing of that command, and a replica writes
     * nothing, so the same re-run rule as for {@code TRYAGAIN} makes it safe. A broken or refused
     * connection renews the pool too but is not retried (a write may have run before it broke); a
     * timeout does not renew it (a slow Redis is not a moved one).
     *
     * @throws RedisUnavailableException when the breaker is open, Redis cannot be reached, a
     *                                   command times out or Redis answers with an error
     */
    public <T> T call(Function<UnifiedJedis, T> op) {
        if (closed) {
            throw new RedisUnavailableException("the Redis client was closed (web application stopped)");
        }
        if (!breaker.tryAcquire()) {
            throw new RedisUnavailableException("Redis circuit breaker is open");
        }
        UnifiedJedis j;
        try {
            j = client();
        } catch (RuntimeException e) {
            breaker.onFailure(e);
            throw new RedisUnavailableException("cannot create the Redis client: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + socketTimeoutNanos;
        boolean renewed = false;
        for (long pauseMillis = TRYAGAIN_FIRST_PAUSE_MILLIS; ; pauseMillis = Math.min(2 * pauseMillis, TRYAGAIN_MAX_PAUSE_MILLIS)) {
            try {
                T result = op.apply(j);
                breaker.onSuccess();
                PrimaryConnectionFactory r = renewal;
                if (r != null && breaker.eventReported() && r.primaryConnectedSinceRenewal()) {
                    breaker.onPrimaryAgain();
                }
                return result;
            } catch (JedisDataException e) {
                if (isUnavailability(e)) {
                    if (!renewed && isRoleChange(e) && renew(e)) {
                        // The node refused the command without running it (a replica writes
                        // nothing, a loading node runs nothing): op runs once more, on a
                        // connection of the renewed pool.
                        renewed = true;
                        continue;
                    }
                    breaker.onFailure(e);
                } else {
                    breaker.onSuccess(); // Redis answered; the command itself was wrong, or must wait
                    if (PlanSender.isTryAgain(e) && System.nanoTime() + pauseMillis * 1_000_000L - deadline < 0 && PlanSender.pause(pauseMillis)) {
                        continue;
                    }
                }
                throw new RedisUnavailableException("Redis error: " + e.getMessage(), e);
            } catch (RedisUnavailableException e) {
                breaker.onFailure(e);
                throw e;
            } catch (RuntimeException e) {
                ClusterSlotRenewal slots = slotRenewal;
                if (slots != null) {
                    // A Cluster node may be gone (its replica about to take over): re-read the slot
                    // map in the background. Not retried, for the same reason as below.
                    slots.nodeLost(e);
                } else if (e instanceof JedisConnectionException && !isTimeout(e)) {
                    // The node may be gone for good (a failover behind one name): drop the pooled
                    // connections so new ones look the name up again. Not retried: a write may
                    // have run before the connection broke. A timeout says Redis (or this machine)
                    // is slow, not that it moved: reconnecting would only add work to a slow Redis.
                    renew(e);
                }
                breaker.onFailure(e);
                throw new RedisUnavailableException("Redis call failed: " + e, e);
            }
        }
    }

    /** Whether a connection failure is a timeout (connect or read), anywhere in its causes. */
    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** READONLY, LOADING, MASTERDOWN: the node answers but is not (or not yet) a usable primary. */
    static boolean isRoleChange(JedisDataException e) {
        String m = e.getMessage();
        return m != null && (isReadonly(m) || m.startsWith("LOADING") || m.startsWith("MASTERDOWN"));
    }

    /**
     * {@code READONLY}, also as Redis before 7 reports it from a script: {@code ERR Error running
     * script … -READONLY You can't write against a read only replica.}
     */
    private static boolean isReadonly(String m) {
        return m.startsWith("READONLY") || (m.startsWith("ERR") && m.contains("-READONLY "));
    }

    /**
     * How many times this client renewed its connection pool after the node behind its address
     * stopped being a writable primary (a managed failover: {@code READONLY}, {@code LOADING},
     * {@code MASTERDOWN}) or a connection was refused or broken. Always 0 for Sentinel, Cluster and
     * application-supplied clients, which follow failovers themselves.
     */
    public long poolRenewals() {
        PrimaryConnectionFactory r = renewal;
        return r == null ? 0 : r.renewals();
    }

    /**
     * How many times this client re-read its Redis Cluster slot map after a node's connection
     * failed (refused, broken or timed out: a primary that died, whose replica the cluster
     * promotes). Always 0 for standalone, Sentinel and application-supplied clients.
     */
    public long slotMapRenewals() {
        ClusterSlotRenewal r = slotRenewal;
        return r == null ? 0 : r.renewals();
    }

    /**
     * Renews the standalone client's pool (see {@link PrimaryConnectionFactory}) after {@code cause};
     * false when this client cannot renew (Sentinel and Cluster follow failovers themselves; an
     * application-supplied client is left alone).
     */
    private boolean renew(RuntimeException cause) {
        PrimaryConnectionFactory r = renewal;
        if (r == null) {
            return false;
        }
        int closed = r.renew();
        if (closed >= 0) {
            String message = "Redis at " + target + " " + explain(cause) + "; dropped " + closed
                    + " idle pooled connections (borrowed ones are closed when they come back) and reconnecting to a primary"
                    + DnsCache.note(settings.host());
            if (cause instanceof JedisDataException) {
                breaker.onConnectionsRenewed(message);
            } else {
                LOG.debug(message); // an outage: the breaker reports it if it lasts
            }
        }
        return true;
    }

    private static String explain(RuntimeException cause) {
        String m = String.valueOf(cause.getMessage());
        if (isReadonly(m)) {
            return "answered READONLY: it is a replica now (failover)";
        }
        if (m.startsWith("LOADING")) {
            return "answered LOADING: it is loading its data set";
        }
        if (m.startsWith("MASTERDOWN")) {
            return "answered MASTERDOWN: it is a replica that lost its primary";
        }
        return "failed a connection (" + cause.getClass().getSimpleName() + ": " + m + ")";
    }


    /**
     * Runs a script with {@code EVALSHA}; on {@code NOSCRIPT} (after a restart, failover or
     * {@code SCRIPT FLUSH}) it runs {@code EVAL}, which also re-caches the script. On Cluster the
     * call is routed by the first key, so all keys must share a hash tag.
     *
     * <p>Internal: for the library's filters, not API ({@code LuaScript} is in
     * {@code io.github.redisfilters.internal.client}); it may change in any release.
     */
    public Object eval(LuaScript script, List<String> keys, List<String> args) {
        return call(j -> evalOn(j, script, keys, args));
    }

    /**
     * {@link #eval} with binary keys and arguments.
     *
     * <p>Internal: for the library's filters, not API ({@code LuaScript} is in
     * {@code io.github.redisfilters.internal.client}); it may change in any release.
     */
    public Object evalBinary(LuaScript script, List<byte[]> keys, List<byte[]> args) {
        return call(j -> evalBinaryOn(j, script, keys, args));
    }

    /**
     * EVALSHA with NOSCRIPT fallback on a client the caller already holds (inside {@link #call}).
     *
     * <p>Internal: for the library's filters, not API ({@code LuaScript} is in
     * {@code io.github.redisfilters.internal.client}); it may change in any release.
     */
    public static Object evalOn(UnifiedJedis j, LuaScript script, List<String> keys, List<String> args) {
        try {
            return j.evalsha(script.sha1(), keys, args);
        } catch (JedisNoScriptException e) {
            return j.eval(script.source(), keys, args);
        }
    }

    /**
     * Binary variant of {@link #evalOn}.
     *
     * <p>Internal: for the library's filters, not API ({@code LuaScript} is in
     * {@code io.github.redisfilters.internal.client}); it may change in any release.
     */
    public static Object evalBinaryOn(UnifiedJedis j, LuaScript script, List<byte[]> keys, List<byte[]> args) {
        try {
            return j.evalsha(script.sha1Bytes(), keys, args);
        } catch (JedisNoScriptException e) {
            return j.eval(script.sourceBytes(), keys, args);
        }
    }

    /**
     * Whether an error reply means the node cannot serve at all (READONLY, LOADING, MASTERDOWN,
     * CLUSTERDOWN, BUSY, NOREPLICAS) rather than that the command was wrong.
     *
     * <p>Internal: for the library's request pipelining ({@code io.github.redisfilters.internal.client}),
     * not API; it may change in any release.
     */
    public static boolean isUnavailability(JedisDataException e) {
        String m = e.getMessage();
        return m != null && (isReadonly(m) || m.startsWith("LOADING") || m.startsWith("MASTERDOWN")
                || m.startsWith("CLUSTERDOWN") || m.startsWith("BUSY")
                || m.startsWith("NOREPLICAS"));
    }

    /**
     * Sends the commands of every plan as one pipelined round trip (on Cluster, one pipeline per
     * node, all synced together) through the breaker; each plan decides from its replies when the
     * results are first asked for it.
     * Never throws: a plan Redis could not serve holds a {@link RedisUnavailableException} in the
     * results. See {@link PlanSender} for how NOSCRIPT, TRYAGAIN and redirections are handled.
     *
     * <p>Internal: for the library's filters, not API ({@code Plan} is in
     * {@code io.github.redisfilters.internal.client}); it may change in any release.
     */
    public Results send(List<? extends Plan<?>> plans) {
        return send(plans, null);
    }

    /**
     * {@link #send(List)} of plans whose commands were recorded already (null: record them now).
     *
     * <p>Internal: for the library's request batching ({@code io.github.redisfilters.internal.client}),
     * not API; it may change in any release.
     */
    public Results send(List<? extends Plan<?>> plans, List<List<PlanSender.Command>> recorded) {
        if (plans.isEmpty()) {
            return new Results(new java.util.IdentityHashMap<>());
        }
        try {
            return call(j -> PlanSender.send(j, plans, recorded, clusterRouting(j),
                    System.nanoTime() + socketTimeoutNanos));
        } catch (RedisUnavailableException e) {
            return Results.failed(plans, e);
        }
    }

    /**
     * Sends one plan (one round trip) and returns its decision.
     *
     * <p>Internal: for the library's filters, not API ({@code Plan} is in
     * {@code io.github.redisfilters.internal.client}); it may change in any release.
     *
     * @throws RedisUnavailableException when Redis could not serve it
     */
    public <T> T send(Plan<T> plan) {
        return send(List.of(plan)).get(plan);
    }

    /** How a batch reaches the Cluster {@code j}; null when {@code j} is no Cluster client. */
    private ClusterRouting clusterRouting(UnifiedJedis j) {
        if (!(j instanceof RedisClusterClient)) {
            return null;
        }
        ClusterRouting r = clusterRouting;
        if (r == null) {
            synchronized (this) {
                r = clusterRouting;
                if (r == null) {
                    ClusterSlotRenewal slots = slotRenewal;
                    r = slots == null
                            ? new ClusterRouting(clusterExecutor(), null, e -> { }, settings.failureThreshold(),
                                    settings.retryInterval())
                            : new ClusterRouting(clusterExecutor(), slots.provider(), slots::nodeLost,
                                    settings.failureThreshold(), settings.retryInterval());
                    clusterRouting = r;
                }
            }
        }
        return r;
    }

    /**
     * The executor syncing the per-node pipelines of a Cluster batch in parallel and renewing the
     * slot map. A task it has no thread for runs on the caller's thread, also once it is shut
     * down (a batch in flight when the application stops still completes).
     */
    private java.util.concurrent.ExecutorService clusterExecutor() {
        java.util.concurrent.ExecutorService e = clusterExecutor;
        if (e == null) {
            synchronized (this) {
                e = clusterExecutor;
                if (e == null) {
                    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
                    // Threads only wait for replies of other nodes; idle ones end after 30 s, and
                    // close() ends the rest, so an undeployed application leaves none behind.
                    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(0,
                            Math.max(2, settings.poolSize()), 30, java.util.concurrent.TimeUnit.SECONDS,
                            new java.util.concurrent.SynchronousQueue<>(), r -> {
                                Thread t = new Thread(r, "redis-filters-pipeline-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            }, (task, executor) -> task.run());
                    if (closed) {
                        pool.shutdown(); // made after close(): starts no thread, runs tasks on the caller's
                    }
                    clusterExecutor = e = pool;
                }
            }
        }
        return e;
    }

    /** Sends {@code PING} through the breaker and reports the outcome; never throws. */
    public Health ping() {
        long start = System.nanoTime();
        try {
            call(UnifiedJedis::ping);
            return new Health(true, (System.nanoTime() - start) / 1000L, null);
        } catch (RedisUnavailableException e) {
            return new Health(false, (System.nanoTime() - start) / 1000L, e.getMessage());
        }
    }

    /** Outcome of a {@link #ping()}: up or down, round-trip time in microseconds, error if down. */
    public record Health(boolean up, long micros, String error) {
    }

    /** The raw client, created on first use. Calls made on it bypass the circuit breaker. */
    public UnifiedJedis client() {
        UnifiedJedis j = jedis;
        if (j == null) {
            synchronized (this) {
                j = jedis;
                if (j == null) {
                    if (closed) {
                        throw new IllegalStateException("client closed");
                    }
                    RedisClientFactory.Built built = factory.apply(settings);
                    j = built.client();
                    renewal = j instanceof RedisClient rc && rc.getPool().getFactory() instanceof PrimaryConnectionFactory f
                            ? f : null;
                    slotRenewal = built.cluster() == null ? null
                            : new ClusterSlotRenewal(built.cluster(), task -> clusterExecutor().execute(task), target, nanoTime);
                    jedis = j;
                }
            }
        }
        return j;
    }

    /** The settings the client was built from (for an application-supplied client: its key prefix and breaker settings only). */
    public RedisSettings settings() {
        return settings;
    }

    /**
     * The Redis this client talks to, without secrets, for logs and status pages: the settings'
     * target, or for an application-supplied client what that client itself is connected to.
     */
    public String target() {
        return target;
    }

    /**
     * The circuit breaker guarding every call of this client.
     *
     * <p>Internal: for the library's filters, status servlet and meters, not API ({@code CircuitBreaker}
     * is in {@code io.github.redisfilters.internal.client}); it may change in any release.
     */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /**
     * Whether this Redis keeps data across restarts (checked only for filters that ask).
     *
     * <p>Internal: for the library's filters, status servlet and meters, not API
     * ({@code PersistenceWatch} is in {@code io.github.redisfilters.internal.client}); it may change in
     * any release.
     */
    public PersistenceWatch persistence() {
        return persistence;
    }

    /** Connection-pool figures (active, idle, waiting) per node; empty before the first call. */
    public Map<String, Map<String, Integer>> poolStats() {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        UnifiedJedis j = jedis;
        if (j instanceof RedisClient rc) {
            out.put(target, stats(rc.getPool().getNumActive(), rc.getPool().getNumIdle(),
                    rc.getPool().getNumWaiters()));
        } else if (j instanceof RedisClusterClient cc) {
            for (Map.Entry<String, ConnectionPool> e : cc.getClusterNodes().entrySet()) {
                out.put(e.getKey(), stats(e.getValue().getNumActive(), e.getValue().getNumIdle(), e.getValue().getNumWaiters()));
            }
        }
        return out;
    }

    private static Map<String, Integer> stats(int active, int idle, int waiting) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("active", active);
        m.put("idle", idle);
        m.put("waiting", waiting);
        return m;
    }

    /** Closes an owned client (idempotent). Application-supplied clients are left open. */
    public void close() {
        UnifiedJedis j;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            j = jedis;
            ClusterSlotRenewal slots = slotRenewal;
            if (slots != null) {
                slots.close(); // before the client (its provider) closes, see ClusterSlotRenewal#close
            }
            if (clusterExecutor != null) {
                clusterExecutor.shutdownNow();
            }
        }
        if (owned && j != null) {
            try {
                j.close();
            } catch (RuntimeException e) {
                LOG.debug("error while closing the Redis client", e);
            }
        }
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Reference-counted clients of one servlet context, keyed by connection settings. */
    static final class Registry {
        private final Map<String, SharedRedisClient> clients = new HashMap<>();
        private final Map<SharedRedisClient, Integer> refs = new HashMap<>();

        synchronized SharedRedisClient acquire(RedisSettings settings) {
            String id = settings.connectionIdentity();
            SharedRedisClient c = clients.get(id);
            if (c == null) {
                c = create(settings);
                clients.put(id, c);
                LOG.info("Redis client for {} created ({})", c.target(), settings);
            }
            refs.merge(c, 1, Integer::sum);
            return c;
        }

        /** True when this release closed the client. */
        synchronized boolean release(SharedRedisClient c) {
            Integer n = refs.get(c);
            if (n == null) {
                return false;
            }
            if (n > 1) {
                refs.put(c, n - 1);
                return false;
            }
            refs.remove(c);
            clients.values().remove(c);
            c.close();
            LOG.info("Redis client for {} closed", c.target());
            return true;
        }

        synchronized boolean isEmpty() {
            return clients.isEmpty();
        }

        synchronized List<SharedRedisClient> clients() {
            return List.copyOf(clients.values());
        }
    }
}
