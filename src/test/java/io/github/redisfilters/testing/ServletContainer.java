package io.github.redisfilters.testing;

import jakarta.servlet.ServletContext;
import java.net.URI;

/** An embedded servlet container running one web application, for integration tests. */
public interface ServletContainer extends AutoCloseable {
    /** The context path, e.g. {@code /app}. */
    String contextPath();

    /** Local port. */
    int port();

    /** The servlet context of the running application. */
    ServletContext servletContext();

    /** {@code http://127.0.0.1:port/contextPath} + {@code path}. */
    default URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + contextPath() + path);
    }

    /** Undeploys the application and stops the server. */
    @Override
    void close();
}
