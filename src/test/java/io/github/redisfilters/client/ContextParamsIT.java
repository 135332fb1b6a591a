package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.faults.AllFiltersApp;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.LogCapture;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;

/**
 * Context-params: a misspelt {@code redis*} name stops the application like a misspelt
 * init-param; a {@code redis*} name of someone else's gets one WARN; and the startup lines name
 * the Redis an application-supplied client really talks to.
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ContextParamsIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    @Test
    void aMisspeltRedisContextParamStopsTheStart() {
        // the message (naming redisPoolSize) is checked in RedisSettingsTest: Tomcat logs it through JUL
        assertThatThrownBy(() -> kind.start(AllFiltersApp.setup(REDIS.process().url(), Map.of("redisPoolSzie", "8"))).close())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anotherLibrarysRedisContextParamGetsOneWarningAndTheApplicationRuns() {
        try (LogCapture log = LogCapture.start();
             ServletContainer app = kind.start(AllFiltersApp.setup(REDIS.process().url(), Map.of("redisHostForReports", "x")))) {
            assertThat(Http.get(app.uri("/api/plain")).statusCode()).isEqualTo(200);
            assertThat(log.lines("WARN", "context-param 'redisHostForReports' is not a redis-servlet-filters parameter"))
                    .as("one warning for four filters").isEqualTo(1);
        }
    }

    @Test
    void startupLinesNameTheRedisOfAnApplicationSuppliedClient() {
        try (RedisClient own = RedisClient.builder().hostAndPort("127.0.0.1", REDIS.process().port()).build();
             LogCapture log = LogCapture.start();
             ServletContainer app = kind.start(ctx -> {
                 ctx.setAttribute(SharedRedisClient.CLIENT_ATTRIBUTE, own);
                 // the settings name another Redis: the lines must name the one the client uses
                 AllFiltersApp.setup("redis://settings-host.invalid:1", Map.of()).configure(ctx);
             })) {
            assertThat(Http.get(app.uri("/api/plain")).statusCode()).isEqualTo(200);
            String expected = "redis=application-supplied RedisClient (127.0.0.1:" + REDIS.process().port() + "/0)";
            assertThat(log.lines(") started: ", expected)).as("every filter's startup line").isEqualTo(4);
            assertThat(log.text()).doesNotContain("settings-host.invalid");
        }
    }
}
