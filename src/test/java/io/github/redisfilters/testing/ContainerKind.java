package io.github.redisfilters.testing;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import java.util.function.Supplier;

/**
 * The containers every servlet-boundary behaviour is tested on. Use as
 * {@code @ParameterizedClass @EnumSource(ContainerKind.class)} so one suite runs on both.
 */
public enum ContainerKind {
    JETTY {
        @Override
        public ServletContainer start(String contextPath, AppSetup setup) {
            if ("ee11".equals(System.getProperty(JETTY_ENVIRONMENT))) {
                return JettyEe11.start(contextPath, setup);
            }
            Server server = jettyServer();
            ServletContextHandler handler = new ServletContextHandler(contextPath);
            handler.addServletContainerInitializer(initializer(setup));
            return jetty(server, handler, () -> handler.getServletContext(), "ee10");
        }
    },
    TOMCAT {
        @Override
        public ServletContainer start(String contextPath, AppSetup setup) {
            try {
                Path base = Files.createTempDirectory("tomcat");
                Tomcat tomcat = new Tomcat();
                tomcat.setBaseDir(base.toString());
                tomcat.setHostname("127.0.0.1");
                tomcat.setPort(0);
                tomcat.getConnector().setProperty("address", "127.0.0.1");
                Path docBase = Files.createDirectories(base.resolve("webapp"));
                Context ctx = tomcat.addContext(contextPath, docBase.toString());
                ctx.addServletContainerInitializer(initializer(setup), null);
                tomcat.start();
                if (!ctx.getState().isAvailable()) {
                    tomcat.stop();
                    tomcat.destroy();
                    throw new IllegalStateException("application failed to start on Tomcat (see log)");
                }
                return new ServletContainer() {
                    public String contextPath() { return contextPath; }
                    public int port() { return tomcat.getConnector().getLocalPort(); }
                    public ServletContext servletContext() { return ctx.getServletContext(); }
                    public void close() {
                        try {
                            tomcat.stop();
                            tomcat.destroy();
                        } catch (LifecycleException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    public String toString() { return "Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber(); }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (LifecycleException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    /** Starts a server on a free loopback port with one application at {@code contextPath}. */
    public abstract ServletContainer start(String contextPath, AppSetup setup);

    /** Starts one application at {@code /app}. */
    public ServletContainer start(AppSetup setup) {
        return start("/app", setup);
    }

    /**
     * System property choosing Jetty's environment: {@code ee11} (Servlet 6.1) instead of the
     * default {@code ee10} (Servlet 6.0). Set by the {@code next-containers} failsafe run, which
     * also puts Tomcat 11 in place of Tomcat 10.1 on the classpath.
     */
    public static final String JETTY_ENVIRONMENT = "redisfilters.jetty.environment";

    static Server jettyServer() {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        return server;
    }

    /** Starts a Jetty {@code server} serving {@code handler} (of either environment). */
    static ServletContainer jetty(Server server, ContextHandler handler, Supplier<ServletContext> context, String environment) {
        try {
            server.setHandler(handler);
            server.start();
            if (!handler.isAvailable()) {
                server.stop();
                throw new IllegalStateException("application failed to start on Jetty (see log)");
            }
            ServerConnector connector = (ServerConnector) server.getConnectors()[0];
            return new ServletContainer() {
                public String contextPath() { return handler.getContextPath(); }
                public int port() { return connector.getLocalPort(); }
                public ServletContext servletContext() { return context.get(); }
                public void close() {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                public String toString() { return "Jetty " + Server.getVersion() + " " + environment; }
            };
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * System property that, when set, becomes every test application's {@code chainBatching}
     * context-param before its own setup runs: the {@code unbatched} failsafe run sets it to
     * {@code false} so that the multi-filter suites show the same decisions with batching off.
     */
    public static final String CHAIN_BATCHING = "redisfilters.chainBatching";

    static ServletContainerInitializer initializer(AppSetup setup) {
        return (classes, ctx) -> {
            String batching = System.getProperty(CHAIN_BATCHING);
            if (batching != null) {
                ctx.setInitParameter("chainBatching", batching);
            }
            setup.configure(ctx);
        };
    }
}
