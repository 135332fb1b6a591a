package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.MutableClock;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/** The filter on a real container against a real Redis: exactness, headers, keys, round trips, annotations. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class RateLimitFilterIT {
    static final long T0 = 1_800_000_000_000L; // aligned to 15 min
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static RedisProcess redis;

    @Parameter
    ContainerKind kind;

    @BeforeAll
    static void redis() {
        redis = REDIS.process(); // started, and emptied before every test, by the fixture
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void exactlyTheLimitPassesUnderConcurrencyAcrossTwoServers(Algorithm algorithm) throws Exception {
        exactlyPasses("hot: /limited/* 50/1d " + algorithm.text(), 50, algorithm.toString());
    }

    @Test
    void exactlyTheSmallestLimitPassesWhenTokenBucketsAndAWindowCombine() throws Exception {
        // a window and an earlier rule's bucket that give back on every denial, and one bucket with two bandwidths
        exactlyPasses("wide: /limited/** 1000/1d token-bucket; hot: /limited/* 80/1d token-bucket, 50/1d token-bucket;"
                + " window: /limited/x 1000/1d fixed", 50, "token buckets + fixed");
    }

    private void exactlyPasses(String rules, int limit, String label) throws Exception {
        int threads = 200;
        Map<String, String> params = Map.of("rules", rules);
        AtomicReference<RateLimitFilter> fa = new AtomicReference<>();
        AtomicReference<RateLimitFilter> fb = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (ServletContainer a = Apps.withInitParams(kind, redis.url(), params, fa);
             ServletContainer b = Apps.withInitParams(kind, redis.url(), params, fb)) {
            for (int run = 1; run <= 3; run++) {
                redis.flushAll();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    ServletContainer target = i % 2 == 0 ? a : b;
                    results.add(pool.submit(() -> {
                        start.await();
                        return Http.get(target.uri("/limited/x")).statusCode();
                    }));
                }
                start.countDown();
                int ok = 0;
                int limited = 0;
                for (Future<Integer> f : results) {
                    int s = f.get();
                    if (s == 200) {
                        ok++;
                    } else if (s == 429) {
                        limited++;
                    }
                }
                assertThat(ok).as("run %s, %s: admitted (metrics %s / %s)", run, label, fa.get().metrics().snapshot(),
                        fb.get().metrics().snapshot()).isEqualTo(limit);
                assertThat(limited).as("run %s, %s: limited", run, label).isEqualTo(threads - limit);
            }
            long allowed = fa.get().metrics().get("allowed.hot") + fb.get().metrics().get("allowed.hot");
            assertThat(allowed).isEqualTo(3L * limit);
            assertThat(fa.get().metrics().get("limited.hot") + fb.get().metrics().get("limited.hot"))
                    .isEqualTo(3L * (threads - limit));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void legacyAndDraftHeadersAreExactAndRetryAfterMatchesReset() {
        MutableClock clock = new MutableClock(T0 + 300_250);
        RateLimitConfig config = RateLimitConfig.builder()
                .rules("login: POST /api/auth/login 5/15m fixed; api: /api/** 100/1m sliding")
                .headers(RateLimitConfig.Headers.ALL).clock(clock)
                .redisSettings(RedisSettings.builder().url(redis.url()).build()).build();
        long windowEndSec = (T0 + 900_000) / 1000;
        try (ServletContainer app = Apps.withConfig(kind, config)) {
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> r = Http.post(app.uri("/api/auth/login"), "{}");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(header(r, "X-RateLimit-Limit")).isEqualTo("5");
                assertThat(header(r, "X-RateLimit-Remaining")).isEqualTo(String.valueOf(5 - i));
                assertThat(header(r, "X-RateLimit-Reset")).isEqualTo(String.valueOf(windowEndSec));
                assertThat(header(r, "RateLimit-Policy")).isEqualTo("\"login\";q=5;w=900, \"api\";q=100;w=60");
                assertThat(header(r, "RateLimit")).isEqualTo("\"login\";r=" + (5 - i) + ";t=600, \"api\";r=" + (100 - i) + ";t=60");
                assertThat(r.headers().firstValue("Retry-After")).isEmpty();
            }
            clock.advance(10_000);
            HttpResponse<String> denied = Http.post(app.uri("/api/auth/login"), "{}");
            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(header(denied, "Content-Type")).startsWith("application/problem+json");
            assertThat(denied.body()).contains("\"status\":429").contains("\"policies\":[\"login\"]").contains("\"retryAfter\":590");
            assertThat(header(denied, "Retry-After")).isEqualTo("590");
            assertThat(header(denied, "X-RateLimit-Remaining")).isEqualTo("0");
            long nowSec = clock.millis() / 1000;
            assertThat(Long.parseLong(header(denied, "X-RateLimit-Reset")) - nowSec)
                    .isEqualTo(Long.parseLong(header(denied, "Retry-After")));
            // the sliding policy did not count the denied request
            assertThat(header(denied, "RateLimit")).isEqualTo("\"login\";r=0;t=590, \"api\";r=95;t=50");
            HttpResponse<String> other = Http.get(app.uri("/api/products"));
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(header(other, "X-RateLimit-Limit")).isEqualTo("100");
            assertThat(header(other, "X-RateLimit-Remaining")).isEqualTo("94");
            HttpResponse<String> unlimited = Http.get(app.uri("/health"));
            assertThat(unlimited.headers().firstValue("X-RateLimit-Limit")).isEmpty();
            clock.set(T0 + 900_000);
            assertThat(Http.post(app.uri("/api/auth/login"), "{}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void retryAfterIsConsistentWithResetUnderRedisTime() {
        try (ServletContainer app = Apps.withInitParams(kind, redis.url(), Map.of("rules", "s: /s 1/30s sliding", "headers", "all"), null)) {
            HttpResponse<String> first = Http.get(app.uri("/s"));
            long before = System.currentTimeMillis() / 1000;
            HttpResponse<String> denied = Http.get(app.uri("/s"));
            long after = System.currentTimeMillis() / 1000;
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(denied.statusCode()).isEqualTo(429);
            long retryAfter = Long.parseLong(header(denied, "Retry-After"));
            long reset = Long.parseLong(header(denied, "X-RateLimit-Reset"));
            assertThat(retryAfter).isBetween(1L, 30L);
            assertThat(reset - retryAfter).isBetween(before - 1, after + 1);
            assertThat(header(denied, "RateLimit")).isEqualTo("\"s\";r=0;t=" + retryAfter);
        }
    }

    @Test
    void headersCanBeHidden() {
        try (ServletContainer app = Apps.withInitParams(kind, redis.url(), Map.of("rules", "s: /s 1/30s", "headers", "none"), null)) {
            HttpResponse<String> ok = Http.get(app.uri("/s"));
            assertThat(ok.headers().map().keySet()).noneMatch(h -> h.toLowerCase().contains("ratelimit"));
            HttpResponse<String> denied = Http.get(app.uri("/s"));
            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.headers().map().keySet()).noneMatch(h -> h.toLowerCase().contains("ratelimit"));
            assertThat(denied.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void spoofedForwardedForFromAnUntrustedPeerDoesNotChangeTheKey() {
        try (ServletContainer app = Apps.withInitParams(kind, redis.url(), Map.of("rules", "x: /x 2/1h"), null)) {
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "198.51.100.2").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/x"), "Forwarded", "for=198.51.100.3").statusCode()).isEqualTo(429);
            try (Jedis j = redis.admin()) {
                assertThat(j.keys("rsf:ratelimit:*")).containsExactly("rsf:ratelimit:{ip:127.0.0.1}:x");
            }
        }
    }

    @Test
    void forwardedForFromATrustedProxyNamesTheClientAndIpv6IsGroupedBySlash64() {
        try (ServletContainer app = Apps.withInitParams(kind, redis.url(),
                Map.of("rules", "x: /x 2/1h", "trustedProxies", "127.0.0.1/32"), null)) {
            for (String client : List.of("198.51.100.1", "198.51.100.2")) {
                assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", client).statusCode()).isEqualTo(200);
                assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "10.9.9.9, " + client).statusCode()).isEqualTo(200);
                assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", client).statusCode()).isEqualTo(429);
            }
            assertThat(Http.get(app.uri("/x"), "Forwarded", "for=\"[2001:db8:1:2::1]:4711\"").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "2001:db8:1:2:ffff::9").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "2001:db8:1:2::7").statusCode()).isEqualTo(429);
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "2001:db8:1:3::7").statusCode()).isEqualTo(200);
            try (Jedis j = redis.admin()) {
                assertThat(j.keys("rsf:ratelimit:*")).containsExactlyInAnyOrder("rsf:ratelimit:{ip:198.51.100.1}:x",
                        "rsf:ratelimit:{ip:198.51.100.2}:x", "rsf:ratelimit:{ip:2001:db8:1:2:0:0:0:0/64}:x",
                        "rsf:ratelimit:{ip:2001:db8:1:3:0:0:0:0/64}:x");
            }
        }
    }

    @Test
    void allPoliciesOfAllMatchingRulesCostOneScriptCall() {
        try (ServletContainer app = Apps.withInitParams(kind, redis.url(), Map.of("rules",
                "burst: /api/** 10/1s fixed, 100/1m sliding, 1000/1h sliding-counter; all: /** 10000/1d fixed"), null)) {
            assertThat(Http.get(app.uri("/api/a")).statusCode()).isEqualTo(200); // loads the script
            redis.resetStats();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = Http.get(app.uri("/api/a"));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(header(r, "X-RateLimit-Limit")).isEqualTo("10");
            }
            Map<String, Long> stats = redis.commandStats();
            assertThat(stats.getOrDefault("evalsha", 0L)).isEqualTo(5);
            assertThat(stats.getOrDefault("eval", 0L)).isZero();
        }
    }

    @Test
    void annotatedServletCarriesItsOwnPolicies() {
        AtomicReference<RateLimitFilter> f = new AtomicReference<>();
        try (ServletContainer app = Apps.withInitParams(kind, redis.url(), Map.of("headers", "draft"), f)) {
            HttpResponse<String> first = Http.get(app.uri("/reports/q1"));
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(header(first, "RateLimit-Policy")).isEqualTo("\"reports\";q=2;w=3600, \"reports-daily\";q=50;w=86400");
            assertThat(Http.get(app.uri("/reports/q2")).statusCode()).isEqualTo(200);
            HttpResponse<String> denied = Http.get(app.uri("/reports/q3"));
            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.body()).contains("\"policies\":[\"reports\"]");
            assertThat(Http.get(app.uri("/elsewhere")).statusCode()).isEqualTo(200); // other servlet: no limit
            assertThat(f.get().metrics().get("limited.reports")).isEqualTo(1);
        }
    }

    @Test
    void missingApiKeyIsRejectedOrCountedByAddress() {
        try (ServletContainer app = Apps.withInitParams(kind, redis.url(), Map.of("rules",
                "keyed: /k 1/1h by header:X-Api-Key else reject; soft: /s 1/1h by header:X-Api-Key"), null)) {
            HttpResponse<String> none = Http.get(app.uri("/k"));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(header(none, "Content-Type")).startsWith("application/problem+json");
            assertThat(Http.get(app.uri("/k"), "X-Api-Key", "alpha").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/k"), "X-Api-Key", "beta").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/k"), "X-Api-Key", "alpha").statusCode()).isEqualTo(429);
            assertThat(Http.get(app.uri("/s")).statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/s")).statusCode()).isEqualTo(429);
            try (Jedis j = redis.admin()) {
                assertThat(String.join(" ", j.keys("rsf:ratelimit:*"))).doesNotContain("alpha").doesNotContain("beta");
            }
        }
    }

    @Test
    void customKeyResolverSeparatesTenants() {
        RateLimitConfig config = RateLimitConfig.builder().rules("tenant: /t 1/1h fixed by custom else reject")
                .keyResolver(request -> request.getHeader("X-Tenant"))
                .redisSettings(RedisSettings.builder().url(redis.url()).build()).build();
        try (ServletContainer app = Apps.withConfig(kind, config)) {
            assertThat(Http.get(app.uri("/t"), "X-Tenant", "acme").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/t"), "X-Tenant", "globex").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/t"), "X-Tenant", "acme").statusCode()).isEqualTo(429);
            assertThat(Http.get(app.uri("/t")).statusCode()).isEqualTo(401);
            try (Jedis j = redis.admin()) {
                assertThat(j.keys("rsf:ratelimit:*")).containsExactlyInAnyOrder("rsf:ratelimit:{c:acme}:tenant",
                        "rsf:ratelimit:{c:globex}:tenant");
            }
        }
    }

    @Test
    void dryRunDecidesAndCountsButNeverBlocks() {
        AtomicReference<RateLimitFilter> f = new AtomicReference<>();
        try (ServletContainer app = Apps.withInitParams(kind, redis.url(), Map.of("rules", "d: /d 1/1h", "enforce", "false"), f)) {
            assertThat(Http.get(app.uri("/d")).statusCode()).isEqualTo(200);
            HttpResponse<String> over = Http.get(app.uri("/d"));
            assertThat(over.statusCode()).isEqualTo(200);
            assertThat(header(over, "X-RateLimit-Remaining")).isEqualTo("0");
            assertThat(f.get().metrics().get("limited.d")).isEqualTo(1);
            assertThat(f.get().metrics().get("allowed.d")).isEqualTo(1);
        }
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }
}
