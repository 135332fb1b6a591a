package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.client.CircuitBreaker;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Redis going away and coming back, in both failure modes. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class RateLimitFailureIT {
    @Parameter
    ContainerKind kind;

    private static Map<String, String> params(String failureMode) {
        return Map.of("rules", "x: /x 1000/1h fixed", "failureMode", failureMode, "redisSocketTimeout", "300ms",
                "redisConnectTimeout", "300ms");
    }

    @Test
    void failOpenAdmitsWithoutErrorsAndTheBreakerSpareEachRequestTheTimeout() {
        AtomicReference<RateLimitFilter> f = new AtomicReference<>();
        try (RedisProcess redis = RedisProcess.start();
             ServletContainer app = Apps.withInitParams(kind, redis.url(), params("open"), f)) {
            assertThat(Http.get(app.uri("/x")).headers().firstValue("X-RateLimit-Limit")).contains("1000");
            redis.kill();
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
            redis.launch();
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    Http.get(app.uri("/x")).headers().firstValue("X-RateLimit-Limit").isPresent());
        }
    }

    @Test
    void failClosedAnswers503WithRetryAfter() {
        try (RedisProcess redis = RedisProcess.start();
             ServletContainer app = Apps.withInitParams(kind, redis.url(), params("closed"), null)) {
            assertThat(Http.get(app.uri("/x")).statusCode()).isEqualTo(200);
            redis.kill();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = Http.get(app.uri("/x"));
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).contains("1");
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
            }
            assertThat(Http.get(app.uri("/not-limited")).statusCode()).isEqualTo(200);
            redis.launch();
            await().atMost(Duration.ofSeconds(15)).until(() -> Http.get(app.uri("/x")).statusCode() == 200);
        }
    }
}
