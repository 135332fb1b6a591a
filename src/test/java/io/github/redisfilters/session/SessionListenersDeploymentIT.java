package io.github.redisfilters.session;

import static io.github.redisfilters.session.RedisSessionFilterIT.cookie;
import static io.github.redisfilters.session.RedisSessionFilterIT.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Listeners declared the ways applications declare them — a {@code <listener>} in web.xml (Jetty
 * and Tomcat) and {@code @WebListener} found by the container's annotation scan (Tomcat; embedded
 * Jetty scans annotations only with its separate annotations module, which this build does not
 * use) — receive the Redis sessions' events.
 */
class SessionListenersDeploymentIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    private static final String LISTENER = RecordingListener.class.getName().replace('.', '/') + ".class";

    static String webXml(boolean declareListener) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>redisUrl</param-name><param-value>%s</param-value></context-param>
                  %s
                  <filter>
                    <filter-name>session</filter-name>
                    <filter-class>io.github.redisfilters.session.RedisSessionFilter</filter-class>
                    <init-param><param-name>keyPrefix</param-name><param-value>dep:</param-value></init-param>
                  </filter>
                  <filter-mapping><filter-name>session</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                  <servlet><servlet-name>events</servlet-name><servlet-class>io.github.redisfilters.session.EventsServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>events</servlet-name><url-pattern>/e/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(REDIS.process().url(), declareListener
                ? "<listener><listener-class>io.github.redisfilters.session.RecordingListener</listener-class></listener>" : "");
    }

    static Path webapp(boolean declareListener, boolean copyListenerClass) throws Exception {
        Path dir = Files.createTempDirectory("listener-webapp");
        Files.createDirectories(dir.resolve("WEB-INF"));
        Files.writeString(dir.resolve("WEB-INF/web.xml"), webXml(declareListener));
        if (copyListenerClass) {
            Path target = dir.resolve("WEB-INF/classes").resolve(LISTENER);
            Files.createDirectories(target.getParent());
            Files.copy(Path.of("target/test-classes").resolve(LISTENER), target);
        }
        return dir;
    }

    /** Creates, changes, logs in and out; returns what the listener saw. */
    static String scenario(URI base) {
        String id = sessionId(Http.post(base.resolve("e/set?value=1"), ""));
        Http.post(base.resolve("e/set?value=2"), "", cookie(id));
        String user = sessionId(Http.post(base.resolve("e/login?name=ann"), "", cookie(id)));
        Http.post(base.resolve("e/logout"), "", cookie(user));
        return Http.get(base.resolve("e/events")).body();
    }

    static final String EXPECTED_START = "created|added a=1|replaced a=1|idChanged new|added user=ann|destroyed user=ann|";

    @Test
    void webXmlListenersOnJetty() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/app");
        Path dir = webapp(true, false);
        webapp.setBaseResourceAsPath(dir);
        webapp.setDescriptor(dir.resolve("WEB-INF/web.xml").toString());
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        server.start();
        try {
            String events = scenario(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app/"));
            assertThat(events).startsWith(EXPECTED_START).contains("removed a=2", "removed user=ann");
        } finally {
            server.stop();
        }
    }

    @Test
    void webXmlListenersOnTomcat() throws Exception {
        assertThat(onTomcat(webapp(true, false))).startsWith(EXPECTED_START).contains("removed a=2", "removed user=ann");
    }

    @Test
    void webListenerAnnotationsOnTomcat() throws Exception {
        assertThat(onTomcat(webapp(false, true))).startsWith(EXPECTED_START).contains("removed a=2", "removed user=ann");
    }

    static String onTomcat(Path docBase) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-listeners").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context ctx = tomcat.addWebapp("/app", docBase.toString());
        tomcat.start();
        try {
            assertThat(ctx.getState().isAvailable()).isTrue();
            return scenario(URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/app/"));
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
