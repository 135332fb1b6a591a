package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** web.xml-samples/rate-limit.xml deploys as written (only the Redis URL changed) and limits. */
class RateLimitSampleIT {
    @Test
    void theSampleBootsOnJettyAndLimitsLogin() throws Exception {
        String xml = Files.readString(Path.of("web.xml-samples/rate-limit.xml"));
        try (RedisProcess redis = RedisProcess.start()) {
            Path app = Files.createTempDirectory("rate-limit-sample");
            Files.createDirectories(app.resolve("WEB-INF"));
            Files.writeString(app.resolve("WEB-INF/web.xml"), xml.replace("redis://localhost:6379", redis.url()));
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            WebAppContext web = new WebAppContext(app.toString(), "/");
            web.setParentLoaderPriority(true);
            web.setThrowUnavailableOnStartupException(true);
            server.setHandler(web);
            server.start();
            try {
                URI login = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/auth/login");
                for (int i = 0; i < 5; i++) {
                    HttpResponse<String> r = Http.post(login, "{}");
                    assertThat(r.headers().firstValue("X-RateLimit-Limit")).contains("5");
                    assertThat(r.headers().firstValue("RateLimit-Policy")).contains("\"login\";q=5;w=900, \"api\";q=100;w=60");
                }
                assertThat(Http.post(login, "{}").statusCode()).isEqualTo(429);
            } finally {
                server.stop();
            }
        }
    }
}
