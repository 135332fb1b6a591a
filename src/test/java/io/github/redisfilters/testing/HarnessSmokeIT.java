package io.github.redisfilters.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

@ParameterizedClass
@EnumSource(ContainerKind.class)
class HarnessSmokeIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    @Parameter
    ContainerKind kind;

    @Test
    void containerServesAServletAndRedisAnswers() {
        RedisProcess redis = REDIS.process();
        try (ServletContainer app = kind.start(ctx -> ctx.addServlet("hello", new HttpServlet() {
                 @Override
                 protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                     resp.getWriter().print("hello " + req.getServletPath());
                 }
             }).addMapping("/hello"))) {
            // the next-containers run must really be on Jetty ee11 and Tomcat 11
            String expected = kind == ContainerKind.JETTY
                    ? "ee11".equals(System.getProperty(ContainerKind.JETTY_ENVIRONMENT)) ? " ee11" : " ee10"
                    : System.getProperty("redisfilters.expect.tomcat", "Tomcat 10.1.");
            assertThat(app.toString()).contains(expected);
            assertThat(app.servletContext().getMajorVersion()).isEqualTo(6);
            HttpResponse<String> r = Http.get(app.uri("/hello"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello /hello");
            try (Jedis j = redis.admin()) {
                assertThat(j.ping()).isEqualTo("PONG");
            }
        }
    }
}
