package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.jwt.TokenBlacklist;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No secret — Redis password, bearer token, session id — appears in any log line, error response
 * or status output, through a whole life cycle: start, sessions, revocations, malformed input,
 * an outage and the recovery.
 */
class SecretsNotLoggedIT {
    private static final String REDIS_PASSWORD = "redis-pw-S3CRET-91";
    @RegisterExtension
    static final RedisFixture REDIS = RedisFixture.withPassword(REDIS_PASSWORD);

    @Test
    void secretsStayOutOfLogsResponsesAndStatus() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        String cookieValue;
        String token;
        StringBuilder responses = new StringBuilder();
        RedisProcess redis = REDIS.process();
        try (ServletContainer app = ContainerKind.TOMCAT.start(AllFiltersApp.setup(
                     "redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + redis.port(), Map.of()))) {
            HttpResponse<String> created = Http.post(app.uri("/api/cart"), "");
            assertThat(created.statusCode()).isEqualTo(200);
            String cookie = created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            cookieValue = cookie.substring(cookie.indexOf('=') + 1);

            long now = Instant.now().getEpochSecond();
            token = AllFiltersApp.token("secret-jti-7781", now, now + 600);
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            TokenBlacklist.from(app.servletContext()).revoke(token);
            HttpResponse<String> revoked = Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token);
            assertThat(revoked.statusCode()).isEqualTo(401);
            responses.append(revoked.headers().map()).append(revoked.body());
            HttpResponse<String> malformed = Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token + "x.y");
            responses.append(malformed.headers().map()).append(malformed.body());
            HttpResponse<String> garbageCookie = Http.get(app.uri("/api/cart"), "Cookie", "SESSION=" + cookieValue + "garbage");
            assertThat(garbageCookie.statusCode()).isLessThan(500);

            redis.kill();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Http.get(app.uri("/api/cart"), "Cookie", cookie).statusCode() == 503);
            HttpResponse<String> me = Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token);
            responses.append(me.headers().map()).append(me.body());
            HttpResponse<String> status = Http.get(app.uri("/status"));
            assertThat(status.statusCode()).isEqualTo(503);
            responses.append(status.body());
            redis.launch();
            await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(app.uri("/status")).statusCode() == 200);
            responses.append(Http.get(app.uri("/status")).body());
        } finally {
            System.setErr(original);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).as("the capture works: the outage was logged").contains("WARN").contains("unavailable");
        assertThat(logs).as("filters logged their configuration").contains("started");
        for (String secret : new String[] {REDIS_PASSWORD, token, cookieValue, token.split("\\.")[1]}) {
            assertThat(logs).as("logs").doesNotContain(secret);
            assertThat(responses.toString()).as("responses and status").doesNotContain(secret);
        }
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
