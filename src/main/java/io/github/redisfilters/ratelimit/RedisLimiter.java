package io.github.redisfilters.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.github.redisfilters.client.LuaScript;
import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Executes a {@link LimitPlan} against Redis and returns the {@link Decision}.
 *
 * <p>Fixed, sliding-log and sliding-counter policies go to Redis as ONE script call that checks
 * them all and consumes from each only if all admit: {@code windows.lua} when every policy of the
 * call is a fixed window or a sliding counter (the common case: two arguments per policy, a reply
 * of counts from which remaining and reset are computed here), else {@code check.lua}, which also
 * handles sliding logs. On Redis Cluster a script can only touch one
 * slot, so checks whose clients differ (e.g. one rule by IP, another by API key) are sent per
 * client key, stopping at the first denial; on standalone and Sentinel there is always one call.
 * Token-bucket policies are delegated to Bucket4j (its compare-and-swap protocol: a read and a
 * conditional write per attempt) after the scripted policies admitted the request. The
 * token-bucket policies of one rule share one bucket per client, with one bandwidth per policy,
 * so Bucket4j takes a token from all of them or from none in one compare-and-swap; which policy
 * denied is read from the bucket's per-bandwidth state. Rules are separate buckets, asked in turn.
 * When a later step denies, what earlier steps took is given back: the scripted policies' hits
 * by {@code refund.lua}, earlier buckets' tokens by Bucket4j's {@code addTokens(1)} (capped at
 * capacity). So a denied request consumes nothing; that costs one script call or one
 * compare-and-swap per earlier step, on denials only.
 */
final class RedisLimiter {
    static final LuaScript CHECK = LuaScript.fromResource(RedisLimiter.class, "lua/check.lua");
    /** {@link #CHECK} for fixed windows and sliding counters only, with fewer arguments and a shorter reply. */
    static final LuaScript WINDOWS = LuaScript.fromResource(RedisLimiter.class, "lua/windows.lua");
    static final LuaScript REFUND = LuaScript.fromResource(RedisLimiter.class, "lua/refund.lua");

    private final SharedRedisClient redis;
    private final Clock clock;
    private final boolean cluster;
    private final String node = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    private final AtomicLong sequence = new AtomicLong();
    private final Map<List<Policy>, BucketShape> bucketShapes = new ConcurrentHashMap<>();
    private volatile ProxyManager<byte[]> buckets;
    private final Clock wall;
    private final ReentrantLock[] stripes = new ReentrantLock[64];

    /** @param clock null = Redis {@code TIME} */
    RedisLimiter(SharedRedisClient redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
        this.wall = clock != null ? clock : Clock.systemUTC();
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.cluster = redis.settings().mode() == RedisSettings.Mode.CLUSTER;
    }

    /** @throws RedisUnavailableException when Redis cannot answer */
    Decision check(LimitPlan plan) {
        List<LimitPlan.Check> checks = plan.checks();
        List<List<LimitPlan.Check>> groups = groups(checks);
        List<LimitPlan.Check> tokenBuckets = null;
        for (int i = 0; i < checks.size(); i++) { // indexed loops here: no iterator per request
            LimitPlan.Check c = checks.get(i);
            if (c.policy().algorithm() == Algorithm.TOKEN_BUCKET) {
                if (tokenBuckets == null) {
                    tokenBuckets = new ArrayList<>();
                }
                tokenBuckets.add(c);
            }
        }
        List<Decision.Outcome> outcomes = new ArrayList<>();
        List<Consumed> consumed = new ArrayList<>();
        boolean admitted = true;
        long now = -1;
        for (int g = 0; g < groups.size(); g++) {
            List<LimitPlan.Check> group = groups.get(g);
            boolean groupAdmitted;
            String id = "";
            if (countersOnly(group)) {
                List<?> reply = (List<?>) redis.evalBinary(WINDOWS, keys(group), windowArgs(group));
                now = num(reply, 0);
                groupAdmitted = windowOutcomes(group, reply, outcomes);
            } else {
                id = hasLog(group) ? node + Long.toString(sequence.incrementAndGet(), 36) : "";
                List<?> reply = (List<?>) redis.evalBinary(CHECK, keys(group), args(group, id));
                now = num(reply, 1);
                for (int i = 0; i < group.size(); i++) {
                    LimitPlan.Check c = group.get(i);
                    outcomes.add(new Decision.Outcome(c.rule(), c.policy(), num(reply, 2 + 3 * i) == 1,
                            num(reply, 3 + 3 * i), num(reply, 4 + 3 * i)));
                }
                groupAdmitted = num(reply, 0) == 1;
            }
            if (!groupAdmitted) {
                admitted = false;
                break; // later groups are not asked, so they consume nothing
            }
            consumed.add(new Consumed(group, id, now));
        }
        if (now < 0) {
            now = wall.millis();
        }
        if (admitted && tokenBuckets != null) {
            admitted = tryBuckets(tokenBuckets, now, outcomes);
        }
        if (!admitted && !consumed.isEmpty()) {
            refund(consumed);
            // the consumed groups' outcomes come first: report them as if this request had not come
            int given = 0;
            for (Consumed c : consumed) {
                given += c.group().size();
            }
            for (int i = 0; i < given; i++) {
                Decision.Outcome o = outcomes.get(i);
                outcomes.set(i, new Decision.Outcome(o.rule(), o.policy(), o.admitted(),
                        Math.min(o.policy().limit(), o.remaining() + 1), o.resetAtMillis()));
            }
        }
        return new Decision(admitted, now, outcomes);
    }

    /**
     * The scripted checks in groups sent as one script call each: all of them in one group, except
     * on Cluster where each client key (hash tag) is its own group. Token buckets are left out.
     */
    private List<List<LimitPlan.Check>> groups(List<LimitPlan.Check> checks) {
        boolean simple = true;
        String tag = checks.isEmpty() ? null : checks.get(0).hashTag();
        for (int i = 0; i < checks.size(); i++) {
            LimitPlan.Check c = checks.get(i);
            if (c.policy().algorithm() == Algorithm.TOKEN_BUCKET || (cluster && !c.hashTag().equals(tag))) {
                simple = false;
                break;
            }
        }
        if (simple) {
            return checks.isEmpty() ? List.of() : List.of(checks); // the common case: no copies
        }
        Map<String, List<LimitPlan.Check>> groups = new LinkedHashMap<>();
        for (LimitPlan.Check c : checks) {
            if (c.policy().algorithm() != Algorithm.TOKEN_BUCKET) {
                groups.computeIfAbsent(cluster ? c.hashTag() : "", k -> new ArrayList<>()).add(c);
            }
        }
        return new ArrayList<>(groups.values());
    }

    /** True when every check of the group is a fixed window or a sliding-window counter. */
    private static boolean countersOnly(List<LimitPlan.Check> group) {
        for (int i = 0; i < group.size(); i++) {
            Algorithm a = group.get(i).policy().algorithm();
            if (a != Algorithm.FIXED && a != Algorithm.SLIDING_COUNTER) {
                return false;
            }
        }
        return true;
    }

    /**
     * Outcomes of a {@code windows.lua} reply ({@code now, c1 … cn}, then the previous window's
     * hits of each sliding counter): the same figures {@code check.lua} computes, with the same
     * double arithmetic. When any policy denied, the script gave every hit back, so remaining and
     * reset count without this request.
     *
     * @return whether every policy of the group admitted the request
     */
    private static boolean windowOutcomes(List<LimitPlan.Check> group, List<?> reply, List<Decision.Outcome> outcomes) {
        int n = group.size();
        long now = num(reply, 0);
        boolean all = true;
        boolean[] admits = new boolean[n];
        long[] previous = new long[n];
        int nextPrevious = 1 + n;
        for (int i = 0; i < n; i++) {
            Policy p = group.get(i).policy();
            long hits = num(reply, 1 + i);
            if (p.algorithm() == Algorithm.FIXED) {
                admits[i] = hits <= p.limit();
            } else {
                double w = p.window().toMillis();
                double prev = previous[i] = num(reply, nextPrevious++);
                double e = now - Math.floor(now / w) * w;
                admits[i] = prev * (w - e) + hits * w <= p.limit() * w;
            }
            all &= admits[i];
        }
        for (int i = 0; i < n; i++) {
            LimitPlan.Check c = group.get(i);
            long hits = all ? num(reply, 1 + i) : num(reply, 1 + i) - 1;
            long[] state = c.policy().algorithm() == Algorithm.FIXED ? fixedState(c.policy(), hits, now)
                    : counterState(c.policy(), hits, previous[i], now);
            outcomes.add(new Decision.Outcome(c.rule(), c.policy(), admits[i], state[0], state[1]));
        }
        return all;
    }

    /** Remaining and reset of a fixed window holding {@code hits}. */
    private static long[] fixedState(Policy p, long hits, long now) {
        long w = p.window().toMillis();
        return new long[] {Math.max(0, p.limit() - hits), (Math.floorDiv(now, w) + 1) * w};
    }

    /**
     * Remaining and reset of a sliding-window counter: check.lua's arithmetic, in doubles as Lua
     * computes it. Reset is the earliest time the estimate falls by one more unit: first within
     * this window (the previous window's weight decays), else in the next one.
     */
    private static long[] counterState(Policy p, double c, double prev, long nowMillis) {
        double now = nowMillis;
        double l = p.limit();
        double w = p.window().toMillis();
        double idx = Math.floor(now / w);
        double e = now - idx * w;
        double used = prev * (w - e) + c * w;
        double remaining = Math.max(0, Math.floor((l * w - used) / w));
        double target = l - remaining - 1;
        double reset = Double.NaN;
        if (target - c >= 0 && prev > 0) {
            double e1 = w - (target - c) * w / prev;
            if (e1 <= w) {
                reset = idx * w + Math.ceil(Math.max(e1, e));
            }
        }
        if (Double.isNaN(reset)) {
            reset = c == 0 || target < 0 ? (idx + 1) * w : (idx + 1) * w + Math.ceil(Math.max(0, w - target * w / c));
        }
        return new long[] {(long) remaining, (long) reset};
    }

    private static boolean hasLog(List<LimitPlan.Check> group) {
        for (LimitPlan.Check c : group) {
            if (c.policy().algorithm() == Algorithm.SLIDING_LOG) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks the token-bucket policies: one bucket per rule and client, holding one bandwidth per
     * policy, so Bucket4j takes a token from all of them or from none in one compare-and-swap.
     * Buckets are asked in order; when one denies, the earlier ones get their token back.
     *
     * @return whether every bucket admitted the request
     */
    private boolean tryBuckets(List<LimitPlan.Check> checks, long now, List<Decision.Outcome> outcomes) {
        Map<List<Object>, List<LimitPlan.Check>> byRule = new LinkedHashMap<>();
        for (LimitPlan.Check c : checks) {
            byRule.computeIfAbsent(List.of(c.rule(), c.hashTag()), k -> new ArrayList<>()).add(c);
        }
        List<BucketRef> taken = new ArrayList<>();
        List<Integer> takenAt = new ArrayList<>();
        for (List<LimitPlan.Check> group : byRule.values()) {
            BucketRef bucket = bucket(group);
            VerboseResult<ConsumptionProbe> result = bucket.locked(b -> b.asVerbose().tryConsumeAndReturnRemaining(1));
            boolean consumed = result.getValue().isConsumed();
            int at = outcomes.size();
            addOutcomes(group, result, consumed, now, outcomes);
            if (!consumed) {
                // Later buckets are not asked, so they lose nothing; earlier ones get their token back,
                // and their outcomes show the state after that, as if this request had never come.
                for (int i = 0; i < taken.size(); i++) {
                    BucketRef earlier = taken.get(i);
                    VerboseResult<?> back = earlier.locked(b -> b.asVerbose().addTokens(1)); // capped at capacity
                    List<Decision.Outcome> redone = new ArrayList<>();
                    addOutcomes(earlier.group(), back, true, now, redone);
                    for (int k = 0; k < redone.size(); k++) {
                        outcomes.set(takenAt.get(i) + k, redone.get(k));
                    }
                }
                return false;
            }
            taken.add(bucket);
            takenAt.add(at);
        }
        return true;
    }

    /** One outcome per policy of {@code group}, from the bucket state Bucket4j returned. */
    private static void addOutcomes(List<LimitPlan.Check> group, VerboseResult<?> result, boolean consumed, long now,
            List<Decision.Outcome> outcomes) {
        BucketState state = result.getState();
        Bandwidth[] bandwidths = result.getConfiguration().getBandwidths();
        for (int i = 0; i < group.size(); i++) {
            long tokens = state.getCurrentSize(i);
            // Bucket4j keeps the fraction of the next token as roundingError / refillPeriodNanos
            long nanos = tokens >= bandwidths[i].getCapacity() ? 0
                    : (bandwidths[i].getRefillPeriodNanos() - state.getRoundingError(i)) / bandwidths[i].getRefillTokens();
            long millis = (nanos + 999_999) / 1_000_000;
            boolean admits = consumed || tokens >= 1;
            outcomes.add(new Decision.Outcome(group.get(i).rule(), group.get(i).policy(), admits, tokens,
                    now + (admits ? millis : Math.max(1, millis))));
        }
    }

    /**
     * The bucket of one rule's token-bucket policies for one client:
     * {@code <prefix>ratelimit:{<client>}:<rule>:tb:<limit>/<window ms>[,…]}. The limits are part of
     * the key because Bucket4j keeps the configuration a bucket was created with; a changed rule
     * thus starts new, full buckets and the old ones expire, instead of carrying stale bandwidths.
     */
    private BucketRef bucket(List<LimitPlan.Check> group) {
        List<Policy> policies = new ArrayList<>(group.size());
        group.forEach(c -> policies.add(c.policy()));
        BucketShape shape = bucketShapes.computeIfAbsent(policies, BucketShape::of);
        LimitPlan.Check first = group.get(0);
        String policyKey = first.redisKey(); // <prefix>ratelimit:{<client>}:<policy>:tb
        String suffix = first.policy().name() + ":tb";
        String base = policyKey.endsWith(suffix) ? policyKey.substring(0, policyKey.length() - suffix.length()) : policyKey + ":";
        return new BucketRef(base + first.rule().name() + ":tb:" + shape.keySuffix(), shape.configuration(), group);
    }

    /** A bucket's configuration (one bandwidth per policy, in order) and what its key says of it. */
    private record BucketShape(BucketConfiguration configuration, String keySuffix) {
        static BucketShape of(List<Policy> policies) {
            ConfigurationBuilder b = BucketConfiguration.builder();
            StringBuilder suffix = new StringBuilder();
            for (Policy p : policies) {
                b.addLimit(l -> l.capacity(p.limit()).refillGreedy(p.limit(), p.window()));
                suffix.append(suffix.isEmpty() ? "" : ",").append(p.limit()).append('/').append(p.window().toMillis());
            }
            return new BucketShape(b.build(), suffix.toString());
        }
    }

    /** One bucket of this request, addressed by key, with the checks it answers for. */
    private final class BucketRef {
        private final byte[] key;
        private final BucketConfiguration configuration;
        private final List<LimitPlan.Check> group;
        private final ReentrantLock lock;

        BucketRef(String key, BucketConfiguration configuration, List<LimitPlan.Check> group) {
            this.key = key.getBytes(StandardCharsets.UTF_8);
            this.configuration = configuration;
            this.group = group;
            this.lock = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        }

        List<LimitPlan.Check> group() {
            return group;
        }

        /**
         * Runs one operation on the bucket. Bucket4j's Jedis integration is compare-and-swap: GET,
         * then a conditional write that fails and is retried when another client wrote in between.
         * On a hot key, concurrent requests of one server would mostly retry each other into pool
         * and socket timeouts (which fail open), so they queue on a striped lock here and only the
         * servers contend with each other.
         */
        <T> T locked(Function<Bucket, T> operation) {
            lock.lock();
            try {
                return redis.call(j -> operation.apply(proxyManager(j).builder().build(key, () -> configuration)));
            } finally {
                lock.unlock();
            }
        }
    }

    private ProxyManager<byte[]> proxyManager(redis.clients.jedis.UnifiedJedis j) {
        ProxyManager<byte[]> pm = buckets;
        if (pm == null) {
            synchronized (this) {
                pm = buckets;
                if (pm == null) {
                    var b = Bucket4jJedis.casBasedBuilder(j).expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(java.time.Duration.ofSeconds(10)));
                    if (clock != null) {
                        b.clientClock(new TimeMeter() {
                            @Override
                            public long currentTimeNanos() {
                                return clock.millis() * 1_000_000L;
                            }

                            @Override
                            public boolean isWallClockBased() {
                                return true;
                            }
                        });
                    }
                    pm = b.build();
                    buckets = pm;
                }
            }
        }
        return pm;
    }

    private static long num(List<?> reply, int i) {
        return ((Number) reply.get(i)).longValue();
    }

    /**
     * The group's keys as bytes: the scripts are called through Jedis's binary API, whose reply is
     * passed on as Redis sent it (the String API converts every list reply through a stream).
     */
    private static List<byte[]> keys(List<LimitPlan.Check> group) {
        List<byte[]> keys = new ArrayList<>(group.size());
        group.forEach(c -> keys.add(c.redisKey().getBytes(StandardCharsets.UTF_8)));
        return keys;
    }

    /** A group of checks that consumed, with what identifies its hits. */
    private record Consumed(List<LimitPlan.Check> group, String id, long now) {
    }

    /** Takes back the hits of groups that admitted a request a later step denied (one call per group). */
    private void refund(List<Consumed> consumed) {
        for (Consumed c : consumed) {
            List<String> keys = new ArrayList<>();
            List<String> args = new ArrayList<>();
            for (int i = 0; i < c.group().size(); i++) {
                Policy p = c.group().get(i).policy();
                keys.add(c.group().get(i).redisKey());
                args.add(p.algorithm().code);
                args.add(p.algorithm() == Algorithm.SLIDING_LOG ? c.now() + ":" + c.id() + ":" + (i + 1)
                        : Long.toString(Math.floorDiv(c.now(), p.window().toMillis())));
            }
            redis.eval(REFUND, keys, args);
        }
    }

    /**
     * {@code windows.lua} arguments: limit and window (ms, negative for a sliding counter) of each
     * policy, then now when a clock is set.
     */
    private List<byte[]> windowArgs(List<LimitPlan.Check> group) {
        List<byte[]> args = new ArrayList<>(2 * group.size() + 1);
        for (int i = 0; i < group.size(); i++) {
            Policy p = group.get(i).policy();
            args.add(ascii(p.limit()));
            args.add(ascii(p.algorithm() == Algorithm.FIXED ? p.window().toMillis() : -p.window().toMillis()));
        }
        if (clock != null) {
            args.add(ascii(clock.millis()));
        }
        return args;
    }

    private List<byte[]> args(List<LimitPlan.Check> group, String id) {
        List<byte[]> args = new ArrayList<>(2 + 3 * group.size());
        args.add(clock == null ? new byte[0] : ascii(clock.millis()));
        args.add(id.getBytes(StandardCharsets.US_ASCII));
        for (LimitPlan.Check c : group) {
            args.add(c.policy().algorithm().code.getBytes(StandardCharsets.US_ASCII));
            args.add(ascii(c.policy().limit()));
            args.add(ascii(c.policy().window().toMillis()));
        }
        return args;
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
