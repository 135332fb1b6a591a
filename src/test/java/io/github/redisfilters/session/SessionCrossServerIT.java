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

/** One Redis, one Jetty and one Tomcat: a session moves freely between them; Redis down → 503. */
class SessionCrossServerIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static RedisProcess redis;
    static ServletContainer jetty;
    static ServletContainer tomcat;

    @BeforeAll
    static void start() {
        redis = REDIS.process(); // emptied before every test, and started again after a test killed it
        jetty = ContainerKind.JETTY.start(SessionTestApp.app("redisUrl", redis.url(),
                Map.of("redisFailureThreshold", "1", "redisRetryInterval", "100ms", "retryAfter", "7s")));
        tomcat = ContainerKind.TOMCAT.start(SessionTestApp.app("redisUrl", redis.url(),
                Map.of("redisFailureThreshold", "1", "redisRetryInterval", "100ms", "retryAfter", "7s")));
    }

    @AfterAll
    static void stop() {
        jetty.close();
        tomcat.close();
    }

    @Test
    void aSessionCreatedOnJettyIsServedByTomcatAndViceVersa() {
        String id = sessionId(Http.get(jetty.uri("/s/set?name=cart&value=jetty")));
        assertThat(Http.get(tomcat.uri("/s/get?name=cart"), cookie(id)).body()).isEqualTo("jetty");
        Http.get(tomcat.uri("/s/set?name=more&value=tomcat"), cookie(id));
        assertThat(Http.get(jetty.uri("/s/get?name=more"), cookie(id)).body()).isEqualTo("tomcat");

        String fromTomcat = sessionId(Http.get(tomcat.uri("/s/set?name=cart&value=tomcat")));
        assertThat(Http.get(jetty.uri("/s/get?name=cart"), cookie(fromTomcat)).body()).isEqualTo("tomcat");
        HttpResponse<String> login = Http.get(jetty.uri("/s/login?name=carol"), cookie(fromTomcat));
        String loggedIn = sessionId(login);
        assertThat(Http.get(tomcat.uri("/s/get?name=user"), cookie(loggedIn)).body()).isEqualTo("carol");
        assertThat(Http.get(tomcat.uri("/s/get?name=cart"), cookie(fromTomcat)).body()).isEqualTo("no-session");
    }

    @Test
    void redisDownMeans503WithRetryAfterForRequestsThatNeedTheSessionAndRecovery() {
        String id = sessionId(Http.get(jetty.uri("/s/set?name=a&value=1")));
        redis.kill();
        try {
            for (ServletContainer app : new ServletContainer[] {jetty, tomcat}) {
                HttpResponse<String> read = Http.get(app.uri("/s/get?name=a"), cookie(id));
                assertThat(read.statusCode()).as(app.toString()).isEqualTo(503);
                assertThat(read.headers().firstValue("Retry-After")).hasValue("7");
                assertThat(read.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                assertThat(RedisSessionFilterIT.setCookie(read)).as("no forked session").isEmpty();
                HttpResponse<String> create = Http.get(app.uri("/s/set?name=b&value=2"));
                assertThat(create.statusCode()).isEqualTo(503);
                assertThat(RedisSessionFilterIT.setCookie(create)).isEmpty();
                assertThat(Http.get(app.uri("/s/none")).statusCode()).as("no session needed").isEqualTo(200);
            }
        } finally {
            redis.launch();
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.get(jetty.uri("/s/set?name=b&value=2")).statusCode() == 200);
        // the embedded Redis keeps no data across restarts here; the point is that service resumes
        assertThat(Http.get(tomcat.uri("/s/set?name=c&value=3")).statusCode()).isEqualTo(200);
    }
}
