package io.github.redisfilters.demo;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * A demo servlet whose container-made errors are problem documents: {@link HttpServlet} answers a
 * method the servlet does not implement with {@code sendError} (405, or 501 for one it does not
 * know), which Jetty answers without a body for methods other than GET, POST and HEAD (its error
 * pages serve only those) and Tomcat with an HTML page. Here {@code sendError} writes the problem
 * document itself, the same on every container and for every method.
 */
abstract class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        super.service(req, new ProblemErrors(resp));
    }

    private static final class ProblemErrors extends HttpServletResponseWrapper {
        ProblemErrors(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            sendError(status);
        }

        @Override
        public void sendError(int status) throws IOException {
            if (isCommitted()) {
                throw new IllegalStateException("response already committed");
            }
            resetBuffer();
            Json.error((HttpServletResponse) getResponse(), status, ErrorServlet.detail(status));
            flushBuffer();
        }
    }
}
