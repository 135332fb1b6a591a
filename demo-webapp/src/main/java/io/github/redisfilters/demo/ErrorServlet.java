package io.github.redisfilters.demo;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The error page of the whole application (web.xml {@code <error-page>} without a code): what
 * the container would answer with its own HTML page — a method a servlet does not implement
 * (405, 501), a request it refused, an exception nothing caught — becomes a problem document with
 * the same status. The detail is fixed per status: never the exception or its message.
 */
public class ErrorServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int status = status(req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        Json.error(resp, status, detail(status));
    }

    /** The status the container reports, or 404 when this servlet was requested directly. */
    static int status(Object attribute) {
        return attribute instanceof Integer code && code >= 400 && code <= 599 ? code : 404;
    }

    static String detail(int status) {
        return switch (status) {
            case 400 -> "the request is malformed";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "this method is not allowed here";
            case 411 -> "a Content-Length is required";
            case 413 -> "request too large";
            case 414 -> "URI too long";
            case 415 -> "unsupported media type";
            case 431 -> "request header fields too large";
            case 501 -> "this method is not implemented";
            case 503 -> "temporarily unavailable, try again";
            default -> status >= 500 ? "internal error" : "the request cannot be served";
        };
    }
}
