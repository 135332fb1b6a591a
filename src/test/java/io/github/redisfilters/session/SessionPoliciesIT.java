package io.github.redisfilters.session;

import static io.github.redisfilters.session.RedisSessionFilterIT.cookie;
import static io.github.redisfilters.session.RedisSessionFilterIT.sessionId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The non-default policies: JSON codec, new-session on unreadable data, fail-open. */
class SessionPoliciesIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static RedisProcess redis;
    static ServletContainer app;

    @BeforeAll
    static void start() {
        redis = REDIS.process(); // emptied before every test, and started again after a test killed it
        app = ContainerKind.JETTY.start(SessionTestApp.app("redisUrl", redis.url(), Map.of(
                "codec", "json", "unreadableAttribute", "new-session", "failureMode", "fail-open",
                "redisFailureThreshold", "1", "redisRetryInterval", "100ms", "keyPrefix", "pol:")));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void jsonCodecStoresTypedReadableJson() {
        String id = sessionId(Http.get(app.uri("/s/set?name=a&value=hello")));
        try (Jedis j = redis.admin()) {
            assertThat(j.hget(SessionTestApp.key("pol:", id), "a:a")).isEqualTo("java.lang.String\n\"hello\"");
        }
        assertThat(Http.get(app.uri("/s/get?name=a"), cookie(id)).body()).isEqualTo("hello");
    }

    @Test
    void newSessionPolicyDiscardsASessionWithAnUnreadableAttribute() {
        String id = sessionId(Http.get(app.uri("/s/set?name=a&value=1")));
        try (Jedis j = redis.admin()) {
            j.hset(SessionTestApp.key("pol:", id), "a:bad", "com.example.Gone\n{}");
        }
        HttpResponse<String> r = Http.get(app.uri("/s/get?name=a"), cookie(id));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("no-session");
        try (Jedis j = redis.admin()) {
            assertThat(j.exists(SessionTestApp.key("pol:", id))).isFalse();
        }
        HttpResponse<String> fresh = Http.get(app.uri("/s/set?name=a&value=2"), cookie(id));
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(sessionId(fresh)).isNotEqualTo(id);
    }

    @Test
    void failOpenReadsAnUnloadableSessionAsAbsentButNeverForksOne() {
        String id = sessionId(Http.get(app.uri("/s/set?name=a&value=1")));
        redis.kill();
        try {
            HttpResponse<String> read = Http.get(app.uri("/s/get?name=a"), cookie(id));
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("no-session");
            assertThat(RedisSessionFilterIT.setCookie(read)).as("the client's cookie is kept").isEmpty();
            HttpResponse<String> write = Http.get(app.uri("/s/set?name=a&value=2"), cookie(id));
            assertThat(write.statusCode()).isEqualTo(503);
            assertThat(RedisSessionFilterIT.setCookie(write)).isEmpty();
        } finally {
            redis.launch();
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.get(app.uri("/s/set?name=b&value=2")).statusCode() == 200);
    }
}
