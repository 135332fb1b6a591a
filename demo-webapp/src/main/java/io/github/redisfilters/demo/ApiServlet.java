package io.github.redisfilters.demo;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.Set;

/**
 * A demo servlet whose method errors are problem documents. {@link HttpServlet} answers a method
 * the servlet does not implement with {@code sendError} — 405 without the {@code Allow} header
 * RFC 9110 requires, or 501 for a method it does not know (PATCH, anything invented) — which
 * Jetty answers without a body for methods other than GET, POST and HEAD (its error pages serve
 * only those) and Tomcat with an HTML page. Here every such request gets 405 with {@code Allow}
 * and a problem document, the same on every container and for every method.
 */
abstract class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE");

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        ProblemErrors errors = new ProblemErrors(req, resp);
        if (!KNOWN.contains(req.getMethod())) {
            errors.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        super.service(req, errors);
    }

    /** The methods this servlet implements, as {@link HttpServlet#doOptions} finds them. */
    private String allowed(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        AllowProbe probe = new AllowProbe(resp);
        doOptions(req, probe);
        return probe.allow;
    }

    private final class ProblemErrors extends HttpServletResponseWrapper {
        private final HttpServletRequest request;

        ProblemErrors(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
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
            HttpServletResponse response = (HttpServletResponse) getResponse();
            if (status == SC_METHOD_NOT_ALLOWED || status == SC_NOT_IMPLEMENTED) {
                status = SC_METHOD_NOT_ALLOWED;
                try {
                    String allow = allowed(request, response);
                    if (allow != null) {
                        response.setHeader("Allow", allow);
                    }
                } catch (ServletException e) {
                    // no Allow header then; the 405 itself still stands
                }
            }
            Json.error(response, status, ErrorServlet.detail(status));
            flushBuffer();
        }
    }

    /** Keeps the {@code Allow} header {@code doOptions} sets instead of sending it. */
    private static final class AllowProbe extends HttpServletResponseWrapper {
        String allow;

        AllowProbe(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setHeader(String name, String value) {
            if ("Allow".equalsIgnoreCase(name)) {
                allow = value;
            }
        }

        @Override
        public void addHeader(String name, String value) {
            setHeader(name, value);
        }
    }
}
