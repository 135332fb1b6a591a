package io.github.redisfilters.testing;

import io.github.redisfilters.client.SharedRedisClient;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A Jetty server running one {@code web.xml-samples/} file exactly as written, in its own JVM so
 * that the process environment ({@code REDIS_URL}, {@code REDIS_SENTINEL_NODES}, …) is real: the
 * environment cannot be changed inside a running JVM. Started by {@link SampleProcess}.
 *
 * <p>Arguments: the sample file and a directory added to the application's classpath (rules
 * files). Every path not taken by a filter answers 200 from a servlet that counts visits in the
 * session; {@code /__clients} lists the application's Redis clients with their targets. Prints
 * {@code READY <port>} when up (or {@code FAILED <reason>}), and stops when its standard input closes.
 */
public final class SampleServer {
    private SampleServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = ContainerKind.jettyServer();
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/sample");
        webapp.setBaseResourceAsPath(Files.createTempDirectory("sample-webapp"));
        webapp.setDescriptor(Path.of(args[0]).toAbsolutePath().toString());
        webapp.setParentLoaderPriority(true);
        webapp.setExtraClasspath(Path.of(args[1]).toAbsolutePath() + "/");
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.addServlet(Visits.class, "/");
        webapp.addServlet(Clients.class, "/__clients");
        server.setHandler(webapp);
        try {
            server.start();
            if (!webapp.isAvailable()) {
                throw new IllegalStateException("the application is not available");
            }
            for (FilterHolder h : webapp.getServletHandler().getFilters()) {
                if (!h.isStarted() || h.getFilter() == null) {
                    throw new IllegalStateException("filter " + h.getName() + " did not start");
                }
            }
        } catch (Exception e) {
            System.out.println("FAILED " + e);
            System.out.flush();
            server.stop();
            System.exit(1);
        }
        System.out.println("READY " + connector.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the test closes our standard input (or dies)
        }
        server.stop();
        System.exit(0);
    }

    /** 200 for every path; counts visits in the session, so session filters have data to store. */
    public static class Visits extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession s = req.getSession(true);
            Integer n = (Integer) s.getAttribute("visits");
            s.setAttribute("visits", n == null ? 1 : n + 1);
            resp.setContentType("text/plain");
            resp.getWriter().print("visits=" + s.getAttribute("visits"));
        }
    }

    /** One line per Redis client of the application: its target and whether PING gets through. */
    public static class Clients extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            for (SharedRedisClient c : SharedRedisClient.all(getServletContext())) {
                resp.getWriter().println(c.target() + " " + (c.ping().up() ? "UP" : "DOWN"));
            }
        }
    }
}
