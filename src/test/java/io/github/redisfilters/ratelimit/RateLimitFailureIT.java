package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.CircuitBreaker;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Redis going away and coming back, in each failure mode, filter-wide and per rule. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class RateLimitFailureIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    @Parameter
    ContainerKind kind;

    private static Map<String, String> params(String rules, String failureMode) {
        Map<String, String> p = new HashMap<>(Map.of("rules", rules, "redisSocketTimeout", "300ms", "redisConnectTimeout", "300ms",
                "redisRetryInterval", "300ms"));
        if (failureMode != null) {
            p.put("failureMode", failureMode);
        }
        return p;
    }

    private static Map<String, String> params(String failureMode) {
        return params("x: /x 1000/1h fixed", failureMode);
    }

    @Test
    void failOpenAdmitsWithoutErrorsAndTheBreakerSpareEachRequestTheTimeout() {
        AtomicReference<RateLimitFilter> f = new AtomicReference<>();
        try (ServletContainer app = Apps.withInitParams(kind, REDIS.process().url(), params("open"), f)) {
            assertThat(Http.get(app.uri("/x")).headers().firstValue("X-RateLimit-Limit")).contains("1000");
            REDIS.process().kill();
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> r = Http.get(app.uri("/x"));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
            }
            CircuitBreaker breaker = SharedRedisClient.all(app.servletContext()).get(0).breaker();
            assertThat(breaker.state()).isNotEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(breaker.openings()).isEqualTo(1);
            // most requests never waited for a timeout: the open breaker answered at once
            assertThat(breaker.rejectedInCurrentOutage()).isGreaterThan(15);
            assertThat(f.get().metrics().get("errors.x")).isEqualTo(30);
            REDIS.process().launch();
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    Http.get(app.uri("/x")).headers().firstValue("X-RateLimit-Limit").isPresent());
        }
    }

    @Test
    void failClosedAnswers503WithRetryAfter() {
        Map<String, String> params = params("closed");
        params.put("retryAfter", "2s"); // the same parameter as the JWT and session filters' (default 5s)
        try (ServletContainer app = Apps.withInitParams(kind, REDIS.process().url(), params, null)) {
            assertThat(Http.get(app.uri("/x")).statusCode()).isEqualTo(200);
            REDIS.process().kill();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = Http.get(app.uri("/x"));
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).contains("2");
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
            }
            assertThat(Http.get(app.uri("/not-limited")).statusCode()).isEqualTo(200);
            REDIS.process().launch();
            await().atMost(Duration.ofSeconds(15)).until(() -> Http.get(app.uri("/x")).statusCode() == 200);
        }
    }

    @Test
    void aRuleChoosesItsOwnFailureModeAndTheFilterWideOneIsTheDefault() {
        String rules = "strict: /strict 1000/1h fixed failure closed; lax: /lax 1000/1h fixed";
        try (ServletContainer app = Apps.withInitParams(kind, REDIS.process().url(), params(rules, "open"), null)) {
            assertThat(Http.get(app.uri("/strict")).statusCode()).isEqualTo(200);
            REDIS.process().kill();
            for (int i = 0; i < 5; i++) {
                assertThat(Http.get(app.uri("/strict")).statusCode()).isEqualTo(503);
                assertThat(Http.get(app.uri("/lax")).statusCode()).isEqualTo(200);
            }
        }
    }

    /**
     * Issue 14: with the login rule in failure mode {@code local}, a Redis outage does not open the
     * door to password guessing. Two servers, 30 wrong logins each while Redis is down: exactly
     * the limit reaches the login servlet on each server, the rest get 429 with Retry-After. The
     * {@code /api/**} rule (open, the filter's default) lets everything else through. When Redis
     * returns, Redis counts again.
     */
    @Test
    void aLocalRuleHoldsTheLimitOnEachServerWhileRedisIsDown() {
        String rules = "login: POST /api/auth/login 5/15m fixed failure local; api: /api/** 100/1m sliding";
        AtomicReference<RateLimitFilter> fa = new AtomicReference<>();
        try (ServletContainer a = Apps.withInitParams(kind, REDIS.process().url(), params(rules, "open"), fa);
             ServletContainer b = Apps.withInitParams(kind, REDIS.process().url(), params(rules, "open"), null)) {
            assertThat(Http.post(a.uri("/api/auth/login"), "{}").headers().firstValue("X-RateLimit-Remaining")).hasValue("4");
            REDIS.process().kill();
            for (ServletContainer server : new ServletContainer[] {a, b}) {
                int reached = 0;
                for (int i = 0; i < 30; i++) {
                    HttpResponse<String> r = Http.post(server.uri("/api/auth/login"), "{\"password\":\"guess-" + i + "\"}");
                    if (r.statusCode() == 200) {
                        assertThat(r.body()).isEqualTo("ok");
                        reached++;
                    } else {
                        assertThat(r.statusCode()).isEqualTo(429);
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                        assertThat(r.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
                        assertThat(r.body()).contains("login").doesNotContain("Exception");
                    }
                }
                assertThat(reached).as("wrong logins that reached the servlet on one server").isEqualTo(5);
                for (int i = 0; i < 10; i++) {
                    assertThat(Http.get(server.uri("/api/products")).statusCode()).as("open rule").isEqualTo(200);
                }
            }
            assertThat(fa.get().metrics().get("local.login")).isEqualTo(30);
            assertThat(fa.get().metrics().get("limited.login")).isEqualTo(25);
            REDIS.process().launch();
            // the local bucket is empty, so a 200 can only come from Redis, which counted 1 of 5 so far
            await().atMost(Duration.ofSeconds(15)).until(() -> Http.post(a.uri("/api/auth/login"), "{}").statusCode() == 200);
        }
    }
}
