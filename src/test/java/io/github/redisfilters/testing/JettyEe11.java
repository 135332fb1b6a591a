package io.github.redisfilters.testing;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;

/**
 * Jetty 12's Jakarta EE 11 environment (Servlet 6.1), kept out of {@link ContainerKind} so that
 * its classes load only in the run that has Servlet 6.1 on the classpath.
 */
final class JettyEe11 {
    private JettyEe11() {
    }

    static ServletContainer start(String contextPath, AppSetup setup) {
        Server server = ContainerKind.jettyServer();
        ServletContextHandler handler = new ServletContextHandler(contextPath);
        handler.addServletContainerInitializer(ContainerKind.initializer(setup));
        return ContainerKind.jetty(server, handler, () -> handler.getServletContext(), "ee11");
    }
}
