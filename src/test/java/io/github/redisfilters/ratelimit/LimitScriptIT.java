package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.MutableClock;
import io.github.redisfilters.testing.RedisFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/** Window behaviour of each algorithm against real Redis, with the clock under the test's control. */
class LimitScriptIT {
    static final long T0 = Limiters.T0;
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    MutableClock clock;
    RedisLimiter limiter;

    @BeforeEach
    void fresh() {
        clock = new MutableClock(T0);
        limiter = new RedisLimiter(REDIS.client(), clock);
    }

    private Decision hit(Rule rule) {
        return Limiters.hit(limiter, rule);
    }

    /**
     * A report-only policy is decided as if enforced (it keeps its hit only when it and every
     * enforced policy admit) but its denial never denies the request; the same in windows.lua
     * (fixed and sliding counter only) and check.lua (with a sliding log).
     */
    @ParameterizedTest
    @ValueSource(strings = {"fixed", "sliding-counter", "sliding"})
    void aReportOnlyPolicyIsCountedAsIfEnforcedButNeverDenies(String algorithm) {
        Rule shadow = Rule.parse("shadow: /x 2/1m " + algorithm + " report-only");
        Rule real = Rule.parse("real: /x 4/1m " + (algorithm.equals("sliding") ? "fixed" : algorithm));
        clock.set(T0 + 1_000);
        for (int i = 1; i <= 4; i++) {
            Decision d = Limiters.hit(limiter, shadow, real);
            assertThat(d.admitted()).as("request %s", i).isTrue();
            assertThat(d.outcomes().get(0).admitted()).as("shadow on request %s", i).isEqualTo(i <= 2);
            assertThat(d.outcomes().get(0).remaining()).isEqualTo(Math.max(0, 2 - i));
            assertThat(d.outcomes().get(1).remaining()).isEqualTo(4 - i);
            assertThat(d.reported()).isEqualTo(i > 2);
        }
        Decision denied = Limiters.hit(limiter, shadow, real);
        assertThat(denied.admitted()).as("the enforced policy denies").isFalse();
        assertThat(denied.mostRestrictive().policy().name()).isEqualTo("real");
        assertThat(kept("t:ratelimit:{ip:1.2.3.4}:shadow")).as("shadow kept only the hits it admitted").isEqualTo(2);
        assertThat(kept("t:ratelimit:{ip:1.2.3.4}:real")).isEqualTo(4);
    }

    /** Hits stored under a policy key: log entries, or the sum of the window counters. */
    /**
     * Something else stored under a limiter key (another application's value, a corrupted counter)
     * must not switch the client's limit off: the script replaces it and counts from there, in
     * both scripts (windows.lua: fixed and sliding counter; check.lua: the sliding log).
     */
    @ParameterizedTest
    @ValueSource(strings = {"fixed", "sliding-counter", "sliding"})
    void foreignDataUnderALimiterKeyIsReplacedAndTheLimitHolds(String algorithm) {
        Rule rule = Rule.parse("foreign: /x 3/1m " + algorithm);
        String key = "t:ratelimit:{ip:1.2.3.4}:foreign";
        clock.set(T0 + 1_000);
        for (String kind : List.of("string", "list", "garbage counter")) {
            try (Jedis j = REDIS.process().admin()) {
                j.del(key);
                switch (kind) {
                    case "string" -> j.set(key, "not a counter");
                    case "list" -> j.rpush(key, "a", "b");
                    default -> {
                        if (algorithm.equals("sliding")) {
                            j.set(key, "x"); // a log is a sorted set: any other type is foreign to it
                        } else {
                            j.hset(key, Long.toString((T0 + 1_000) / 60_000), "many");
                        }
                    }
                }
            }
            for (int i = 1; i <= 3; i++) {
                assertThat(hit(rule).admitted()).as("%s: request %d", kind, i).isTrue();
            }
            assertThat(hit(rule).admitted()).as("%s: the fourth is denied", kind).isFalse();
            assertThat(kept(key)).as(kind).isEqualTo(3);
            try (Jedis j = REDIS.process().admin()) {
                assertThat(j.pttl(key)).as("%s: the replacement expires", kind).isPositive();
            }
        }
    }

    static long kept(String key) {
        try (Jedis j = REDIS.process().admin()) {
            if (j.type(key).equals("zset")) {
                return j.zcard(key);
            }
            return j.hvals(key).stream().mapToLong(Long::parseLong).sum();
        }
    }

    @Test
    void aReportOnlyPolicyKeepsNothingWhenAnEnforcedOneDenies() {
        Rule shadow = Rule.parse("shadow: /x 10/1m fixed report-only");
        Rule real = Rule.parse("real: /x 1/1m fixed");
        clock.set(T0 + 1_000);
        assertThat(Limiters.hit(limiter, shadow, real).admitted()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(Limiters.hit(limiter, shadow, real).admitted()).isFalse();
        }
        assertThat(kept("t:ratelimit:{ip:1.2.3.4}:shadow")).as("only the admitted request").isEqualTo(1);
    }

    @Test
    void fixedWindowResetsExactlyAtTheBoundary() {
        Rule r = Rule.parse("f: /x 3/10s fixed");
        clock.set(T0 + 7_000);
        for (int i = 0; i < 3; i++) {
            Decision d = hit(r);
            assertThat(d.admitted()).isTrue();
            assertThat(d.outcomes().get(0).remaining()).isEqualTo(2 - i);
            assertThat(d.outcomes().get(0).resetAtMillis()).isEqualTo(T0 + 10_000);
        }
        Decision denied = hit(r);
        assertThat(denied.admitted()).isFalse();
        assertThat(denied.secondsUntilReset(denied.outcomes().get(0))).isEqualTo(3);
        clock.set(T0 + 9_999);
        assertThat(hit(r).admitted()).isFalse();
        clock.set(T0 + 10_000);
        Decision next = hit(r);
        assertThat(next.admitted()).isTrue();
        assertThat(next.outcomes().get(0).remaining()).isEqualTo(2);
        assertThat(next.outcomes().get(0).resetAtMillis()).isEqualTo(T0 + 20_000);
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.pttl("t:ratelimit:{ip:1.2.3.4}:f")).isBetween(1L, 11_000L);
        }
    }

    /**
     * Requests whose policies are all fixed windows or sliding counters go through the lean
     * {@code windows.lua}; others through {@code check.lua}. Both must decide and report the same:
     * the same random walk through both, on two clients' keys, step by step.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ff: /x 3/1s fixed, 7/10s fixed", "fc: /x 7/10s sliding-counter, 3/1s fixed",
            "cc: /x 4/1s sliding-counter, 9/3s sliding-counter"})
    void theLeanWindowScriptAgreesWithTheGeneralOne(String rule) {
        Rule r = Rule.parse(rule);
        Random random = new Random(7);
        long t = T0;
        int denials = 0;
        int partial = 0;
        for (int i = 0; i < 600; i++) {
            t += random.nextInt(3) == 0 ? 0 : random.nextInt(400);
            clock.set(t);
            Decision lean = hit(r);
            List<String> keys = new ArrayList<>();
            List<String> args = new ArrayList<>(List.of(Long.toString(t), ""));
            for (Policy p : r.policies()) {
                keys.add("ref:{ip:5.6.7.8}:" + p.name());
                args.addAll(List.of(p.algorithm().code, Long.toString(p.limit()), Long.toString(p.window().toMillis())));
            }
            List<?> general = (List<?>) REDIS.client().eval(LimitCheck.CHECK, keys, args);
            assertThat(lean.admitted()).as("step %s", i).isEqualTo(((Long) general.get(0)) == 1);
            assertThat(lean.nowMillis()).isEqualTo(general.get(1));
            for (int k = 0; k < 2; k++) {
                Decision.Outcome o = lean.outcomes().get(k);
                assertThat(List.of(o.admitted() ? 1L : 0L, o.remaining(), o.resetAtMillis()))
                        .as("step %s policy %s", i, k).isEqualTo(general.subList(2 + 3 * k, 5 + 3 * k));
            }
            denials += lean.admitted() ? 0 : 1;
            partial += lean.outcomes().get(0).admitted() != lean.outcomes().get(1).admitted() ? 1 : 0;
        }
        assertThat(denials).isGreaterThan(50); // the walk exercised denials, including by one policy only
        assertThat(partial).isGreaterThan(10);
    }

    @Test
    void slidingLogNeverAdmitsMoreThanLimitInAnyWindowLengthIntervalAndNeverFewer() {
        Rule r = Rule.parse("l: /x 5/1s sliding");
        Random random = new Random(42);
        List<Long> admitted = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < 600; i++) {
            t += random.nextInt(4) == 0 ? 0 : random.nextInt(120); // many hits in the same millisecond
            clock.set(t);
            Decision d = hit(r);
            long inWindow = countIn(admitted, t - 1000 + 1, t + 1);
            if (d.admitted()) {
                assertThat(inWindow).as("admitted with %s already in the window", inWindow).isLessThan(5);
                admitted.add(t);
            } else {
                assertThat(inWindow).as("denied although the window holds only %s", inWindow).isEqualTo(5);
                // the reset is exactly when the oldest of those five leaves the window
                long oldest = admitted.stream().filter(a -> a > clockMinus(1000)).min(Long::compare).orElseThrow();
                assertThat(d.outcomes().get(0).resetAtMillis()).isEqualTo(oldest + 1000);
            }
        }
        for (long a : admitted) {
            assertThat(countIn(admitted, a, a + 1000)).isLessThanOrEqualTo(5);
        }
        assertThat(admitted.size()).isGreaterThan(100);
    }

    private long clockMinus(long ms) {
        return clock.millis() - ms;
    }

    @Test
    void slidingLogMembersAreUniqueWithinOneMillisecond() {
        Rule r = Rule.parse("l: /x 10/1m sliding");
        for (int i = 0; i < 10; i++) {
            assertThat(hit(r).admitted()).isTrue();
        }
        assertThat(hit(r).admitted()).isFalse();
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.zcard("t:ratelimit:{ip:1.2.3.4}:l")).isEqualTo(10); // the denied hit is not recorded
            assertThat(j.pttl("t:ratelimit:{ip:1.2.3.4}:l")).isBetween(1L, 60_000L);
        }
    }

    @Test
    void slidingCounterWeighsThePreviousWindow() {
        Rule r = Rule.parse("c: /x 10/10s sliding-counter");
        clock.set(T0 + 9_000);
        for (int i = 0; i < 10; i++) {
            assertThat(hit(r).admitted()).isTrue();
        }
        assertThat(hit(r).admitted()).isFalse();
        // half-way through the next window the previous 10 count as 5: exactly 5 more pass
        clock.set(T0 + 15_000);
        int passed = 0;
        for (int i = 0; i < 10; i++) {
            passed += hit(r).admitted() ? 1 : 0;
        }
        assertThat(passed).isEqualTo(5);
    }

    @Test
    void slidingCounterStaysWithinItsDocumentedError() {
        long limit = 8;
        long w = 1000;
        Rule r = Rule.parse("c: /x 8/1s sliding-counter");
        Random random = new Random(7);
        List<Long> admitted = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < 2000; i++) {
            t += random.nextInt(40);
            clock.set(t);
            if (hit(r).admitted()) {
                admitted.add(t);
            }
        }
        for (long a : admitted) {
            long aligned = a - a % w;
            assertThat(countIn(admitted, aligned, aligned + w)).isLessThanOrEqualTo(limit); // exact per aligned window
            assertThat(countIn(admitted, a, a + w)).isLessThanOrEqualTo(2 * limit - 1); // documented worst case
        }
        // steady traffic (~4x the limit): admitted count per window stays close to the limit
        double perWindow = admitted.size() / ((t - T0) / (double) w);
        assertThat(perWindow).isBetween(limit * 0.75, limit * 1.0 + 0.5);
    }

    @Test
    void aDeniedRequestConsumesNothingFromTheOtherPolicies() {
        Rule r = Rule.parse("two: /x 2/1s fixed, 5/1m sliding");
        assertThat(hit(r).admitted()).isTrue();
        assertThat(hit(r).admitted()).isTrue();
        Decision denied = hit(r);
        assertThat(denied.admitted()).isFalse();
        assertThat(denied.outcomes()).extracting(Decision.Outcome::admitted).containsExactly(false, true);
        assertThat(denied.outcomes().get(1).remaining()).isEqualTo(3); // still 3: the denied hit took nothing
        assertThat(denied.mostRestrictive().policy().name()).isEqualTo("two-1s");
        clock.advance(1000);
        Decision d = hit(r);
        assertThat(d.admitted()).isTrue();
        assertThat(d.outcomes().get(1).remaining()).isEqualTo(2);
    }

    @Test
    void tokenBucketThroughBucket4j() {
        Rule r = Rule.parse("tb: /x 3/1h token-bucket");
        for (int i = 0; i < 3; i++) {
            Decision d = hit(r);
            assertThat(d.admitted()).isTrue();
            assertThat(d.outcomes().get(0).remaining()).isEqualTo(2 - i);
        }
        Decision denied = hit(r);
        assertThat(denied.admitted()).isFalse();
        assertThat(denied.secondsUntilReset(denied.outcomes().get(0))).isBetween(1199L, 1201L); // one token per 20 min
        clock.advance(Duration.ofMinutes(20).toMillis());
        assertThat(hit(r).admitted()).isTrue();
        assertThat(hit(r).admitted()).isFalse();
    }

    @Test
    void aTokenBucketDenialGivesBackWhatTheScriptedPoliciesTook() {
        Rule r = Rule.parse("mix: /x 5/1m sliding, 3/1m fixed, 1/1h token-bucket");
        assertThat(hit(r).admitted()).isTrue();
        Decision denied = hit(r);
        assertThat(denied.admitted()).isFalse();
        assertThat(denied.outcomes()).extracting(Decision.Outcome::admitted).containsExactly(true, true, false);
        // the scripted policies report their state after the give-back: only the first hit counts
        assertThat(denied.outcomes()).extracting(Decision.Outcome::remaining).startsWith(4L, 2L);
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.zcard("t:ratelimit:{ip:1.2.3.4}:mix-1m")).isEqualTo(1);
            assertThat(j.hget("t:ratelimit:{ip:1.2.3.4}:mix-2", Long.toString(T0 / 60_000))).isEqualTo("1");
        }
    }

    private static long countIn(List<Long> times, long fromInclusive, long toExclusive) {
        return times.stream().filter(x -> x >= fromInclusive && x < toExclusive).count();
    }
}
