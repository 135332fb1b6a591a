package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Redis stopped: closed answers 503 + Retry-After, open lets requests through; recovery is automatic. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class JwtBlacklistFailureIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    ServletContainer app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theApplicationDeploysWhileRedisIsDownAndRecoversWhenItComes() {
        REDIS.process().kill();
        app = kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            ctx.setInitParameter("redisRetryInterval", "100ms");
            JwtTestApp.filter(ctx, "jwt", Map.of(), "/api/*");
            JwtTestApp.servlets(ctx);
        });
        String bearer = "Bearer " + TestTokens.fresh("alice");
        assertThat(Http.get(app.uri("/api/me"), "Authorization", bearer).statusCode()).isEqualTo(503);
        assertThat(Http.get(app.uri("/api/me")).statusCode()).isEqualTo(200);
        REDIS.process().launch();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Http.get(app.uri("/api/me"), "Authorization", bearer).statusCode()).isEqualTo(200));
    }

    @Test
    void redisDownGives503WhenClosedAndPassesWhenOpenThenRecovers() {
        app = kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            ctx.setInitParameter("redisRetryInterval", "100ms");
            ctx.setInitParameter("redisConnectTimeout", "200ms");
            ctx.setInitParameter("redisSocketTimeout", "200ms");
            JwtTestApp.filter(ctx, "closed", Map.of("retryAfter", "7s"), "/closed/*");
            JwtTestApp.filter(ctx, "openSafe", Map.of("failureMode", "open-safe-methods"), "/open/*");
            JwtTestApp.servlets(ctx);
        });
        String token = TestTokens.fresh("alice");
        String bearer = "Bearer " + token;
        assertThat(Http.get(app.uri("/closed/me"), "Authorization", bearer).statusCode()).isEqualTo(200);

        REDIS.process().kill();

        HttpResponse<String> closed = Http.get(app.uri("/closed/me"), "Authorization", bearer);
        assertThat(closed.statusCode()).isEqualTo(503);
        assertThat(closed.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(closed.body()).doesNotContain(token.split("\\.")[1]).doesNotContain("Exception");
        assertThat(Http.get(app.uri("/open/me"), "Authorization", bearer).statusCode()).isEqualTo(200);
        assertThat(Http.method("HEAD", app.uri("/open/me"), null, "Authorization", bearer).statusCode()).isEqualTo(200);
        assertThat(Http.post(app.uri("/open/me"), "{}", "Authorization", bearer).statusCode()).isEqualTo(503);
        // no token, no Redis needed
        assertThat(Http.get(app.uri("/closed/me")).statusCode()).isEqualTo(200);
        // still closed while the breaker is open (calls are short-circuited, not timed out)
        for (int i = 0; i < 5; i++) {
            assertThat(Http.get(app.uri("/closed/me"), "Authorization", bearer).statusCode()).isEqualTo(503);
        }
        assertThat(JwtTestApp.metrics(app.servletContext(), "closed").get("errors")).isGreaterThanOrEqualTo(6);
        assertThat(JwtTestApp.metrics(app.servletContext(), "openSafe").get("failed.open")).isEqualTo(2);

        REDIS.process().launch();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(Http.get(app.uri("/closed/me"), "Authorization", bearer).statusCode()).isEqualTo(200));
        // revocation works again after the restart (empty Redis: revoke again)
        assertThat(Http.post(app.uri("/api/auth/logout"), "", "Authorization", bearer).statusCode()).isEqualTo(204);
        assertThat(Http.get(app.uri("/closed/me"), "Authorization", bearer).statusCode()).isEqualTo(401);
    }
}
