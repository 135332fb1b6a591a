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
import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.client.WritePlan;
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
 * <p>Fixed, sliding-log and sliding-counter policies go to Redis as ONE read plan
 * ({@link LimitCheck}): one script call that checks them all and consumes from each only if every
 * enforced policy admits; on Redis Cluster one call per client key (a script can only touch one
 * slot), all of them in the same pipeline, and when one denies while others admitted, the others'
 * hits are given back ({@code refund.lua}, one more round trip, on such denials only). Through
 * the request batch the plan shares its round trip with the lookups of the application's other
 * filters.
 *
 * <p>Token-bucket policies are delegated to Bucket4j (its compare-and-swap protocol: a read and a
 * conditional write per attempt, outside the batch) after the scripted policies admitted the
 * request. The token-bucket policies of one rule share one bucket per client, with one bandwidth
 * per policy, so Bucket4j takes a token from all of them or from none in one compare-and-swap;
 * which policy denied is read from the bucket's per-bandwidth state. Rules are separate buckets,
 * asked in turn. When a later step denies, what earlier steps took is given back: the scripted
 * policies' hits by {@code refund.lua}, earlier buckets' tokens by Bucket4j's {@code addTokens(1)}
 * (capped at capacity). So a denied request consumes nothing.
 */
final class RedisLimiter {
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

    /** {@link #check(LimitPlan, RequestBatch.Scope)} outside any request batch. */
    Decision check(LimitPlan plan) {
        return check(plan, null);
    }

    /**
     * Decides {@code plan}: its scripted policies as one read plan through {@code batch} (which
     * may carry other filters' lookups in the same pipeline), then its token buckets.
     *
     * @param batch the request's batch scope, or null to send on its own
     * @throws RedisUnavailableException when Redis cannot answer
     */
    Decision check(LimitPlan plan, RequestBatch.Scope batch) {
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
        boolean admitted = true;
        long now = -1;
        List<Decision.Outcome> outcomes;
        List<LimitCheck.Kept> kept;
        if (groups.isEmpty()) {
            outcomes = new ArrayList<>();
            kept = List.of();
        } else {
            LimitCheck read = new LimitCheck(groups, clock == null ? -1 : clock.millis(),
                    () -> node + Long.toString(sequence.incrementAndGet(), 36));
            LimitCheck.Result r = batch != null && batch.batching() ? batch.read(read) : read.sendAlone(redis);
            admitted = r.admitted();
            now = r.nowMillis();
            outcomes = r.outcomes();
            kept = r.kept();
        }
        if (now < 0) {
            now = wall.millis();
        }
        if (admitted && tokenBuckets != null) {
            admitted = tryBuckets(tokenBuckets, now, outcomes);
        }
        if (!admitted && !kept.isEmpty()) {
            refund(kept, now);
            // report the given-back hits as if this request had not come
            for (LimitCheck.Kept g : kept) {
                for (int i : g.outcomeIndexes()) {
                    Decision.Outcome o = outcomes.get(i);
                    outcomes.set(i, new Decision.Outcome(o.rule(), o.policy(), o.admitted(),
                            Math.min(o.policy().limit(), o.remaining() + 1), o.resetAtMillis()));
                }
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
            if (!consumed && group.get(0).rule().reportOnly()) {
                continue; // reported, not enforced; it took nothing
            }
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
    static void addOutcomes(List<LimitPlan.Check> group, VerboseResult<?> result, boolean consumed, long now,
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

    /** Takes back the hits kept by groups that admitted a request another step denied (one script call per group, one pipeline). */
    private void refund(List<LimitCheck.Kept> kept, long now) {
        List<io.github.redisfilters.internal.client.Plan<?>> plans = new ArrayList<>(kept.size());
        for (LimitCheck.Kept k : kept) {
            if (k.checks().isEmpty()) {
                continue;
            }
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> args = new ArrayList<>();
            for (int i = 0; i < k.checks().size(); i++) {
                keys.add(k.checks().get(i).redisKey().getBytes(StandardCharsets.UTF_8));
                args.add(k.checks().get(i).policy().algorithm().code.getBytes(StandardCharsets.US_ASCII));
                args.add(k.ids().get(i).getBytes(StandardCharsets.US_ASCII));
            }
            plans.add(new Refund(keys, args));
        }
        if (!plans.isEmpty()) {
            redis.send(plans);
        }
    }

    /** One {@code refund.lua} call. */
    private record Refund(List<byte[]> keys, List<byte[]> args) implements WritePlan<Object> {
        @Override
        public void addTo(io.github.redisfilters.internal.client.Commands commands) {
            commands.eval(REFUND, keys, args);
        }

        @Override
        public Object decide(io.github.redisfilters.internal.client.Replies replies) {
            return replies.get(0);
        }
    }
}
