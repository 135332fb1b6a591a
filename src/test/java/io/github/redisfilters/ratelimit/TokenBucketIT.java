package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.MutableClock;
import io.github.redisfilters.testing.RedisFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * Token-bucket policies against real Redis: a request is admitted only if every policy admits it,
 * and a denied request consumes nothing, whether the policies share a rule, mix with window
 * policies, or belong to different rules.
 */
class TokenBucketIT {
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

    private Decision hit(Rule... rules) {
        return hit(limiter, rules);
    }

    private Decision hit(RedisLimiter l, Rule... rules) {
        return Limiters.hit(l, rules);
    }

    private static List<Long> remaining(Decision d) {
        return d.outcomes().stream().map(Decision.Outcome::remaining).toList();
    }

    private static List<Boolean> admits(Decision d) {
        return d.outcomes().stream().map(Decision.Outcome::admitted).toList();
    }

    private static List<String> names(Decision d) {
        return d.outcomes().stream().map(o -> o.policy().name()).toList();
    }

    @Test
    void twoTokenBucketPoliciesOfOneRuleAreOneBucketAndTheLargerKeepsItsTokens() {
        Rule r = Rule.parse("tb2: /x 3/1h token-bucket, 10/1d token-bucket");
        for (int i = 0; i < 3; i++) {
            Decision d = hit(r);
            assertThat(d.admitted()).isTrue();
            assertThat(remaining(d)).containsExactly(2L - i, 9L - i);
        }
        for (int i = 0; i < 5; i++) {
            Decision denied = hit(r);
            assertThat(denied.admitted()).isFalse();
            assertThat(names(denied)).containsExactly("tb2-1h", "tb2-1d");
            assertThat(admits(denied)).containsExactly(false, true);
            assertThat(remaining(denied)).containsExactly(0L, 7L); // the daily bandwidth lost nothing
            assertThat(denied.mostRestrictive().policy().name()).isEqualTo("tb2-1h");
            assertThat(denied.secondsUntilReset(denied.mostRestrictive())).isEqualTo(1200); // 3/1h: a token per 20 min
        }
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.keys("t:ratelimit:*")).containsExactly("t:ratelimit:{ip:1.2.3.4}:tb2:tb:3/3600000,10/86400000");
            assertThat(j.pttl("t:ratelimit:{ip:1.2.3.4}:tb2:tb:3/3600000,10/86400000")).isPositive();
        }
        clock.advance(Duration.ofMinutes(20).toMillis());
        Decision next = hit(r);
        assertThat(next.admitted()).isTrue();
        assertThat(remaining(next)).containsExactly(0L, 6L);
    }

    @Test
    void theLargerKeepsItsTokensAlsoWhenItIsListedFirst() {
        Rule r = Rule.parse("big-first: /x 10/1d token-bucket, 3/1h token-bucket");
        for (int i = 0; i < 3; i++) {
            assertThat(hit(r).admitted()).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            Decision denied = hit(r);
            assertThat(admits(denied)).containsExactly(true, false);
            assertThat(remaining(denied)).containsExactly(7L, 0L);
        }
    }

    @Test
    void whenEveryBandwidthIsEmptyThePolicyThatFreesLastFillsTheHeaders() {
        Rule r = Rule.parse("both: /x 2/1h token-bucket, 2/1d token-bucket");
        assertThat(hit(r).admitted()).isTrue();
        assertThat(hit(r).admitted()).isTrue();
        Decision denied = hit(r);
        assertThat(admits(denied)).containsExactly(false, false);
        assertThat(denied.mostRestrictive().policy().name()).isEqualTo("both-1d");
        assertThat(denied.secondsUntilReset(denied.outcomes().get(0))).isEqualTo(1800);
        assertThat(denied.secondsUntilReset(denied.outcomes().get(1))).isEqualTo(43_200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mix: /x 2/1m fixed, 5/1h token-bucket", "mix: /x 5/1h token-bucket, 2/1m fixed"})
    void aWindowDenialLeavesTheTokenBucketUntouched(String rule) {
        Rule r = Rule.parse(rule);
        String bucket = "t:ratelimit:{ip:1.2.3.4}:mix:tb:5/3600000";
        assertThat(hit(r).admitted()).isTrue();
        assertThat(hit(r).admitted()).isTrue();
        for (int i = 0; i < 3; i++) {
            Decision denied = hit(r);
            assertThat(denied.admitted()).isFalse();
            assertThat(names(denied)).containsExactly("mix-1m"); // the bucket was not even asked
        }
        clock.advance(60_000);
        Decision d = hit(r);
        assertThat(d.admitted()).isTrue();
        assertThat(names(d)).containsExactly("mix-1m", "mix-1h");
        assertThat(remaining(d)).containsExactly(1L, 2L); // three tokens taken in all, none by the denials
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.exists(bucket)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mix: /x 5/1m fixed, 2/1h token-bucket", "mix: /x 2/1h token-bucket, 5/1m fixed"})
    void aTokenBucketDenialGivesBackTheWindowsHit(String rule) {
        Rule r = Rule.parse(rule);
        assertThat(hit(r).admitted()).isTrue();
        assertThat(hit(r).admitted()).isTrue();
        for (int i = 0; i < 3; i++) {
            Decision denied = hit(r);
            assertThat(denied.admitted()).isFalse();
            assertThat(names(denied)).containsExactly("mix-1m", "mix-1h");
            assertThat(admits(denied)).containsExactly(true, false);
            assertThat(denied.mostRestrictive().policy().name()).isEqualTo("mix-1h");
        }
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.hget("t:ratelimit:{ip:1.2.3.4}:mix-1m", Long.toString(T0 / 60_000))).isEqualTo("2");
        }
    }

    @Test
    void aLaterRulesDenialGivesBackTheEarlierRulesToken() {
        Rule window = Rule.parse("w: /x 10/1m fixed");
        Rule wide = Rule.parse("a: /x 5/1h token-bucket, 20/1d token-bucket");
        Rule narrow = Rule.parse("b: /x 2/1h token-bucket");
        assertThat(remaining(hit(window, wide, narrow))).containsExactly(9L, 4L, 19L, 1L);
        assertThat(remaining(hit(window, wide, narrow))).containsExactly(8L, 3L, 18L, 0L);
        for (int i = 0; i < 4; i++) {
            Decision denied = hit(window, wide, narrow);
            assertThat(denied.admitted()).isFalse();
            assertThat(admits(denied)).containsExactly(true, true, true, false);
            // the wide bucket's outcome shows its state after the token came back
            assertThat(remaining(denied)).containsExactly(8L, 3L, 18L, 0L);
            assertThat(denied.mostRestrictive().policy().name()).isEqualTo("b");
        }
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.hget("t:ratelimit:{ip:1.2.3.4}:w", Long.toString(T0 / 60_000))).isEqualTo("2");
        }
        Decision reversed = hit(narrow, wide);
        assertThat(names(reversed)).containsExactly("b"); // denied first: the wide bucket is not asked
        Decision wideAlone = hit(wide);
        assertThat(wideAlone.admitted()).isTrue();
        assertThat(remaining(wideAlone)).containsExactly(2L, 17L);
    }

    @Test
    void exactlyTheSmallestBandwidthPassesUnderConcurrencyAcrossTwoServers() throws Exception {
        Rule hot = Rule.parse("hot: /x 50/1d token-bucket, 30/1d token-bucket");
        RedisLimiter[] servers = {limiter, new RedisLimiter(REDIS.newClient(), clock)};
        List<Boolean> results = storm(200, i -> hit(servers[i % 2], hot).admitted());
        assertThat(results.stream().filter(b -> b).count()).isEqualTo(30);
        Decision after = hit(hot);
        assertThat(admits(after)).containsExactly(true, false);
        assertThat(remaining(after)).containsExactly(20L, 0L); // the 170 denials took nothing from the larger one
    }

    @Test
    void noTokenIsLostWhenAnotherRuleDeniesUnderConcurrency() throws Exception {
        // 170 requests also match "narrow" and are denied by it after taking a token from "wide":
        // without the give-back, "wide" would run dry and deny the 30 requests that only match it.
        Rule wide = Rule.parse("wide: /x 80/1d token-bucket, 100/1d token-bucket");
        Rule narrow = Rule.parse("narrow: /x/b 10/1d token-bucket");
        RedisLimiter[] servers = {limiter, new RedisLimiter(REDIS.newClient(), clock)};
        List<Boolean> results = storm(200, i -> i % 20 < 3 ? hit(servers[i % 2], wide).admitted()
                : hit(servers[i % 2], wide, narrow).admitted());
        long onlyWide = 0;
        long both = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i)) {
                if (i % 20 < 3) {
                    onlyWide++;
                } else {
                    both++;
                }
            }
        }
        assertThat(onlyWide).isEqualTo(30);
        assertThat(both).isEqualTo(10);
        assertThat(remaining(hit(wide))).containsExactly(80L - 40 - 1, 100L - 40 - 1);
    }

    interface Attempt {
        boolean run(int i) throws Exception;
    }

    private static List<Boolean> storm(int requests, Attempt attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return attempt.run(n);
                }));
            }
            start.countDown();
            List<Boolean> out = new ArrayList<>();
            for (Future<Boolean> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
