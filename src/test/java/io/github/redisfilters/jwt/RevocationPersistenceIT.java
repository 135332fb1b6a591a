package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.redisfilters.faults.AllFiltersApp;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.LogCapture;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Revocations live in Redis: when that Redis keeps nothing across a restart, or has restarted, the
 * operator is told once in the log and on the status page (issue 14: revoked tokens silently
 * working again after a restart).
 */
class RevocationPersistenceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final RedisFixture VOLATILE = new RedisFixture(); // the harness default: --save "" --appendonly no
    @RegisterExtension
    static final RedisFixture PERSISTENT = new RedisFixture("--appendonly", "yes", "--appendfsync", "always");

    @Test
    void aRedisThatPersistsNothingIsReportedOnceAndOnTheStatusPage() throws Exception {
        RedisProcess redis = VOLATILE.process();
        try (LogCapture log = LogCapture.start();
             ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup(redis.url(), Map.of()))) {
            String token = token("p-1");
            for (int i = 0; i < 5; i++) {
                assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            }
            assertThat(persistenceWarning(app)).contains("persists nothing").contains("JWT revocations are lost");
            assertThat(persistenceWarning(app)).contains("persists nothing");
            assertThat(log.lines("WARN", "persists nothing")).isEqualTo(1);
        }
    }

    @Test
    void aRestartOfAPersistentRedisIsReportedAndRevocationsSurviveIt() throws Exception {
        RedisProcess redis = PERSISTENT.process();
        try (LogCapture log = LogCapture.start();
             ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup(redis.url(), Map.of()))) {
            String token = token("p-2");
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            TokenBlacklist.from(app.servletContext()).revoke(token);
            assertThat(persistenceWarning(app)).as("AOF on: nothing to warn about").isNull();
            assertThat(log.lines("persists nothing")).isZero();

            redis.stop();
            redis.launch();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                String w = persistenceWarning(app);
                return w != null && w.contains("restarted or failed over (run_id changed)");
            });
            assertThat(log.lines("WARN", "restarted or failed over")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode() == 401);
        }
    }

    private static String persistenceWarning(ServletContainer app) throws Exception {
        JsonNode json = JSON.readTree(Http.get(app.uri("/status")).body());
        JsonNode w = json.at("/redis/0/persistenceWarning");
        assertThat(w.isMissingNode()).as("the status page reports persistence while a JWT blacklist runs").isFalse();
        return w.isNull() ? null : w.asText();
    }

    private static String token(String jti) {
        long now = Instant.now().getEpochSecond();
        return AllFiltersApp.token(jti, now, now + 600);
    }
}
