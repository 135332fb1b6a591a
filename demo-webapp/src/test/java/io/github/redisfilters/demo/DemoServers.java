package io.github.redisfilters.demo;

import io.github.redisfilters.testing.RedisProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The built demo WAR deployed on embedded Jetty 12 and embedded Tomcat 10.1, both on one Redis. */
final class DemoServers implements AutoCloseable {
    static final Path WAR = Path.of(System.getProperty("demo.war", "target/demo-webapp.war"));

    private final Server jetty;
    private final Tomcat tomcat;
    private final int jettyPort;
    private final int tomcatPort;

    private DemoServers(Server jetty, int jettyPort, Tomcat tomcat, int tomcatPort) {
        this.jetty = jetty;
        this.jettyPort = jettyPort;
        this.tomcat = tomcat;
        this.tomcatPort = tomcatPort;
    }

    static DemoServers start(RedisProcess redis) throws Exception {
        if (!Files.isRegularFile(WAR)) {
            throw new IllegalStateException(WAR + " not built: run mvn verify (the WAR is packaged before integration tests)");
        }
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(WAR.toAbsolutePath().toString());
        webapp.setInitParameter("redisUrl", redis.url());
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.setTempDirectory(Files.createTempDirectory("jetty-demo").toFile());
        jetty.setHandler(webapp);
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
        tomcat.start();
        if (!ctx.getState().isAvailable()) {
            jetty.stop();
            tomcat.stop();
            throw new IllegalStateException("demo did not start on Tomcat");
        }
        return new DemoServers(jetty, connector.getLocalPort(), tomcat, tomcat.getConnector().getLocalPort());
    }

    URI jetty(String path) {
        return URI.create("http://127.0.0.1:" + jettyPort + path);
    }

    URI tomcat(String path) {
        return URI.create("http://127.0.0.1:" + tomcatPort + path);
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
