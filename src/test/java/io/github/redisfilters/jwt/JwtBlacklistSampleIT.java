package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.SampleFilter;
import io.github.redisfilters.testing.ServletContainer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sample web.xml is schema-valid (Jakarta EE 10, web-app 6.0) and its filter boots and works. */
class JwtBlacklistSampleIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    static final Path SAMPLE = Path.of("web.xml-samples/jwt-blacklist.xml");

    @Test
    void sampleFilterBootsWithItsInitParamsAndRevokes() throws Exception {
        SampleFilter sample = SampleFilter.first(SAMPLE);
        assertThat(sample.params()).containsKeys("required", "maxTokenSize", "clockSkew", "maxTokenLifetime", "failureMode", "retryAfter");

        try (ServletContainer app = ContainerKind.JETTY.start(ctx -> {
                 ctx.setInitParameter("redisUrl", REDIS.process().url());
                 sample.register(ctx);
                 JwtTestApp.servlets(ctx);
             })) {
            String token = TestTokens.fresh("alice");
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            assertThat(Http.post(app.uri("/api/auth/logout"), "", "Authorization", "Bearer " + token).statusCode()).isEqualTo(204);
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        }
    }
}
