package io.github.redisfilters.demo;

import io.github.redisfilters.testing.RedisProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * The built demo WAR deployed on embedded Jetty 12 and embedded Tomcat at once, both on one Redis
 * and one token key (as DEMO_JWT_SECRET would be on every server). Which Jetty environment (ee10
 * or ee11, system property {@code demo.jetty}) and which Tomcat (whatever tomcat-embed-core the
 * failsafe execution put on the class path: 10.1 or 11) is decided by the build.
 */
final class DemoServers implements AutoCloseable {
    static final Path WAR = Path.of(System.getProperty("demo.war", "target/demo-webapp.war"));
    static final String JETTY_ENVIRONMENT = System.getProperty("demo.jetty", "ee10");

    private final Server jetty;
    private final Tomcat tomcat;
    private final int jettyPort;
    private final int tomcatPort;
    private final String secret;

    private DemoServers(Server jetty, int jettyPort, Tomcat tomcat, int tomcatPort, String secret) {
        this.jetty = jetty;
        this.jettyPort = jettyPort;
        this.tomcat = tomcat;
        this.tomcatPort = tomcatPort;
        this.secret = secret;
    }

    static DemoServers start(RedisProcess redis) throws Exception {
        if (!Files.isRegularFile(WAR)) {
            throw new IllegalStateException(WAR + " not built: run mvn verify (the WAR is packaged before integration tests)");
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = HexFormat.of().formatHex(key);

        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(jettyWebapp(redis.url(), secret));
        jetty.start();

        Tomcat tomcat = new Tomcat();
        Path base = Files.createTempDirectory("tomcat-demo");
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Files.createDirectories(base.resolve("webapps"));
        Context ctx = tomcat.addWebapp("", WAR.toAbsolutePath().toString());
        ctx.addParameter("redisUrl", redis.url());
        ctx.addParameter(DemoTokens.SECRET_PARAMETER, secret);
        tomcat.start();
        if (!ctx.getState().isAvailable()) {
            jetty.stop();
            tomcat.stop();
            throw new IllegalStateException("demo did not start on Tomcat");
        }
        return new DemoServers(jetty, connector.getLocalPort(), tomcat, tomcat.getConnector().getLocalPort(), secret);
    }

    private static Handler jettyWebapp(String redisUrl, String secret) throws Exception {
        String war = WAR.toAbsolutePath().toString();
        Map<String, String> params = Map.of("redisUrl", redisUrl, DemoTokens.SECRET_PARAMETER, secret);
        ContextHandler webapp = switch (JETTY_ENVIRONMENT) {
            case "ee10" -> {
                var w = new org.eclipse.jetty.ee10.webapp.WebAppContext(war, "/");
                params.forEach(w::setInitParameter);
                w.setThrowUnavailableOnStartupException(true);
                yield w;
            }
            case "ee11" -> {
                var w = new org.eclipse.jetty.ee11.webapp.WebAppContext(war, "/");
                params.forEach(w::setInitParameter);
                w.setThrowUnavailableOnStartupException(true);
                yield w;
            }
            default -> throw new IllegalArgumentException("demo.jetty must be ee10 or ee11 but was " + JETTY_ENVIRONMENT);
        };
        webapp.setTempDirectory(Files.createTempDirectory("jetty-demo").toFile());
        return webapp;
    }

    URI jetty(String path) {
        return URI.create("http://127.0.0.1:" + jettyPort + path);
    }

    URI tomcat(String path) {
        return URI.create("http://127.0.0.1:" + tomcatPort + path);
    }

    /** The token key both servers were given, for tests that sign their own (odd) tokens. */
    byte[] secret() {
        return secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What the demo runs on here, e.g. "Jetty 12.1.14 ee10 + Apache Tomcat/10.1.59". */
    static String describe() {
        return "Jetty " + Server.getVersion() + " " + JETTY_ENVIRONMENT + " + " + org.apache.catalina.util.ServerInfo.getServerInfo();
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
