package io.github.redisfilters.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A user's {@code @WebFilter} subclass of one of our filters is found by the container's own
 * annotation scan of {@code WEB-INF/classes} and works as-is; a web.xml {@code <filter>} of the
 * same name overrides the annotation's init-params of the same name. (Tomcat scans annotations out
 * of the box; embedded Jetty needs its separate annotations module, which this build does not use.)
 */
class WebFilterSubclassIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    private static final String CLASS_FILE = AnnotatedApiLimits.class.getName().replace('.', '/') + ".class";

    private static Path webapp(String webXml) throws Exception {
        Path dir = Files.createTempDirectory("annotated-webapp");
        Path target = dir.resolve("WEB-INF/classes").resolve(CLASS_FILE);
        Files.createDirectories(target.getParent());
        Files.copy(Path.of("target/test-classes").resolve(CLASS_FILE), target);
        if (webXml != null) {
            Files.writeString(dir.resolve("WEB-INF/web.xml"), webXml);
        }
        return dir;
    }

    private static int[] statuses(String redisUrl, Path docBase, int n) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-annotated").toString());
        tomcat.setPort(0);
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context ctx = tomcat.addWebapp("/app", docBase.toString());
        ctx.addParameter("redisUrl", redisUrl);
        Tomcat.addServlet(ctx, "ok", new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void doGet(jakarta.servlet.http.HttpServletRequest q, jakarta.servlet.http.HttpServletResponse r) {
                r.setStatus(200);
            }
        });
        ctx.addServletMappingDecoded("/limited/*", "ok");
        tomcat.start();
        try {
            assertThat(ctx.getState().isAvailable()).isTrue();
            int[] out = new int[n];
            URI uri = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/app/limited/x");
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = Http.get(uri);
                out[i] = r.statusCode();
            }
            return out;
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void annotatedSubclassIsScannedAndLimits() throws Exception {
        RedisProcess redis = REDIS.process();
        assertThat(statuses(redis.url(), webapp(null), 3)).containsExactly(200, 200, 429);
        try (Jedis j = redis.admin()) {
            assertThat(j.keys("annotated:ratelimit:*")).as("the annotation's keyPrefix").isNotEmpty();
        }
    }

    @Test
    void webXmlInitParamsOverrideTheAnnotationsOnes() throws Exception {
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <filter>
                    <filter-name>apiLimits</filter-name>
                    <filter-class>io.github.redisfilters.registration.AnnotatedApiLimits</filter-class>
                    <init-param><param-name>rules</param-name><param-value>/** 4/1m fixed by ip</param-value></init-param>
                  </filter>
                  <filter-mapping><filter-name>apiLimits</filter-name><url-pattern>/limited/*</url-pattern></filter-mapping>
                </web-app>
                """;
        RedisProcess redis = REDIS.process();
        assertThat(statuses(redis.url(), webapp(webXml), 5)).containsExactly(200, 200, 200, 200, 429);
        try (Jedis j = redis.admin()) {
            assertThat(j.keys("annotated:ratelimit:*")).as("annotation params not overridden stay").isNotEmpty();
        }
    }
}
