package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.CircuitBreaker;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Redis stops under a running application: the cache gets out of the way, and comes back. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ResponseCacheRedisDownIT {
    @Parameter
    ContainerKind kind;

    @org.junit.jupiter.api.extension.RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    @Test
    void failOpenServesEveryRequestFromTheOriginThenRecovers() {
        RedisProcess redis = REDIS.process(); // killed below; the fixture starts it again before the next test
        try (ServletContainer app = kind.start(ctx -> {
                 ctx.setInitParameter("redisUrl", redis.url());
                 ctx.setInitParameter("redisRetryInterval", "200ms");
                 CacheTestApp.install(ctx, ResponseCacheConfig.builder()
                         .rules(ResponseCacheConfig.Rule.ttl("/ttl/**", Duration.ofSeconds(60))).build());
             })) {
            CacheTestApp.reset();
            Http.get(app.uri("/ttl/a"));
            assertThat(Http.get(app.uri("/ttl/a")).headers().firstValue("X-Cache")).hasValue("HIT");

            redis.kill();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = Http.get(app.uri("/ttl/a"));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-Cache")).hasValue("BYPASS");
                assertThat(r.body()).startsWith("body-");
            }
            assertThat(Http.post(app.uri("/ttl/a"), "{}").statusCode()).as("invalidation failure is not a 5xx")
                    .isLessThan(500);
            SharedRedisClient client = SharedRedisClient.all(app.servletContext()).get(0);
            assertThat(client.breaker().state()).as("requests no longer wait for Redis").isNotEqualTo(CircuitBreaker.State.CLOSED);

            redis.launch();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(Http.get(app.uri("/ttl/b")).headers().firstValue("X-Cache")).hasValue("HIT"));
        }
    }

    @Test
    void failClosedAnswers503() {
        RedisProcess redis = REDIS.process(); // killed below; the fixture starts it again before the next test
        try (ServletContainer app = kind.start(ctx -> {
                 ctx.setInitParameter("redisUrl", redis.url());
                 CacheTestApp.install(ctx, ResponseCacheConfig.builder()
                         .rules(ResponseCacheConfig.Rule.ttl("/ttl/**", Duration.ofSeconds(60)))
                         .failureMode(ResponseCacheConfig.FailureMode.CLOSED).build());
             })) {
            redis.kill();
            HttpResponse<String> r = Http.get(app.uri("/ttl/a"));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
    }
}
