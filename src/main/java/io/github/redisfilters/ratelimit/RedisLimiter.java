package io.github.redisfilters.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
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
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Executes a {@link LimitPlan} against Redis and returns the {@link Decision}.
 *
 * <p>Fixed, sliding-log and sliding-counter policies go to Redis as ONE script call that checks
 * them all and consumes from each only if all admit. On Redis Cluster a script can only touch one
 * slot, so checks whose clients differ (e.g. one rule by IP, another by API key) are sent per
 * client key, stopping at the first denial; on standalone and Sentinel there is always one call.
 * Token-bucket policies are delegated to Bucket4j (its compare-and-swap protocol: a read and a
 * conditional write per attempt) after the scripted policies admitted the request. When such a
 * later step denies, the hits already taken are given back ({@code refund.lua}), so a denied
 * request consumes nothing; that costs one more round trip, on denials only.
 */
final class RedisLimiter {
    static final LuaScript CHECK = LuaScript.fromResource(RedisLimiter.class, "lua/check.lua");
    static final LuaScript REFUND = LuaScript.fromResource(RedisLimiter.class, "lua/refund.lua");

    private final SharedRedisClient redis;
    private final Clock clock;
    private final boolean cluster;
    private final String node = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Policy, BucketConfiguration> bucketConfigs = new ConcurrentHashMap<>();
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
        Collection<List<LimitPlan.Check>> groups = groups(plan.checks());
        List<LimitPlan.Check> tokenBuckets = new ArrayList<>();
        for (LimitPlan.Check c : plan.checks()) {
            if (c.policy().algorithm() == Algorithm.TOKEN_BUCKET) {
                tokenBuckets.add(c);
            }
        }
        List<Decision.Outcome> outcomes = new ArrayList<>();
        List<Consumed> consumed = new ArrayList<>();
        boolean admitted = true;
        long now = -1;
        for (List<LimitPlan.Check> group : groups) {
            String id = hasLog(group) ? node + Long.toString(sequence.incrementAndGet(), 36) : "";
            List<?> reply = (List<?>) redis.eval(CHECK, keys(group), args(group, id));
            now = ((Number) reply.get(1)).longValue();
            for (int i = 0; i < group.size(); i++) {
                LimitPlan.Check c = group.get(i);
                outcomes.add(new Decision.Outcome(c.rule(), c.policy(), num(reply, 2 + 3 * i) == 1,
                        num(reply, 3 + 3 * i), num(reply, 4 + 3 * i)));
            }
            if (num(reply, 0) != 1) {
                admitted = false;
                break; // later groups are not asked, so they consume nothing
            }
            consumed.add(new Consumed(group, id, now));
        }
        if (now < 0) {
            now = wall.millis();
        }
        if (admitted) {
            for (LimitPlan.Check c : tokenBuckets) {
                Decision.Outcome o = tryBucket(c, now);
                outcomes.add(o);
                if (!o.admitted()) {
                    admitted = false;
                    break;
                }
            }
        }
        if (!admitted && !consumed.isEmpty()) {
            refund(consumed);
        }
        return new Decision(admitted, now, outcomes);
    }

    /**
     * The scripted checks in groups sent as one script call each: all of them in one group, except
     * on Cluster where each client key (hash tag) is its own group. Token buckets are left out.
     */
    private Collection<List<LimitPlan.Check>> groups(List<LimitPlan.Check> checks) {
        boolean simple = true;
        String tag = checks.isEmpty() ? null : checks.get(0).hashTag();
        for (LimitPlan.Check c : checks) {
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
        return groups.values();
    }

    private static boolean hasLog(List<LimitPlan.Check> group) {
        for (LimitPlan.Check c : group) {
            if (c.policy().algorithm() == Algorithm.SLIDING_LOG) {
                return true;
            }
        }
        return false;
    }

    private Decision.Outcome tryBucket(LimitPlan.Check c, long now) {
        Policy p = c.policy();
        BucketConfiguration conf = bucketConfigs.computeIfAbsent(p, x -> BucketConfiguration.builder()
                .addLimit(l -> l.capacity(x.limit()).refillGreedy(x.limit(), x.window())).build());
        // Bucket4j's Jedis integration is compare-and-swap: GET, then a conditional write that fails
        // and is retried when another client wrote in between. On a hot key, concurrent requests of
        // one server would mostly retry each other into pool and socket timeouts (which fail open),
        // so they queue on a striped lock here and only the servers contend with each other.
        ReentrantLock lock = stripes[Math.floorMod(c.redisKey().hashCode(), stripes.length)];
        ConsumptionProbe probe;
        lock.lock();
        try {
            probe = redis.call(j -> proxyManager(j).builder()
                    .build(c.redisKey().getBytes(StandardCharsets.UTF_8), () -> conf).tryConsumeAndReturnRemaining(1));
        } finally {
            lock.unlock();
        }
        long perToken = Math.max(1, p.window().toMillis() / p.limit());
        long reset = probe.isConsumed() ? now + (probe.getRemainingTokens() < p.limit() ? perToken : 0)
                : now + Math.max(1, probe.getNanosToWaitForRefill() / 1_000_000L);
        return new Decision.Outcome(c.rule(), p, probe.isConsumed(), probe.getRemainingTokens(), reset);
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

    private static List<String> keys(List<LimitPlan.Check> group) {
        List<String> keys = new ArrayList<>(group.size());
        group.forEach(c -> keys.add(c.redisKey()));
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

    private List<String> args(List<LimitPlan.Check> group, String id) {
        List<String> args = new ArrayList<>(2 + 3 * group.size());
        args.add(clock == null ? "" : Long.toString(clock.millis()));
        args.add(id);
        for (LimitPlan.Check c : group) {
            Policy p = c.policy();
            args.add(p.algorithm().code);
            args.add(p.limitText());
            args.add(p.windowMillisText());
        }
        return args;
    }
}
