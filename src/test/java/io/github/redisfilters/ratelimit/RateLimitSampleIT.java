package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.SampleProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** web.xml-samples/rate-limit.xml deploys as written, with REDIS_URL in its environment, and limits. */
class RateLimitSampleIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    @Test
    void theSampleBootsOnJettyAndLimitsLogin() {
        try (SampleProcess app = SampleProcess.start(Path.of("web.xml-samples/rate-limit.xml"),
                     Map.of("REDIS_URL", REDIS.process().url()), List.of())) {
            URI login = app.uri("/api/auth/login");
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = Http.post(login, "{}");
                assertThat(r.headers().firstValue("X-RateLimit-Limit")).contains("5");
                assertThat(r.headers().firstValue("RateLimit-Policy")).contains("\"login\";q=5;w=900, \"api\";q=100;w=60");
            }
            assertThat(Http.post(login, "{}").statusCode()).isEqualTo(429);
        }
    }
}
