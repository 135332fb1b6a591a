package io.github.redisfilters.internal.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes RFC 9457 {@code application/problem+json} error responses. */
public final class ProblemResponse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemResponse() {
    }

    /**
     * Sends a problem document unless the response is already committed.
     *
     * @param extra additional members (values must be JSON-serialisable)
     */
    public static void send(HttpServletResponse response, int status, String title, String detail,
            Map<String, ?> extra) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (extra != null) {
            extra.forEach((k, v) -> body.set(k, JSON.valueToTree(v)));
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }
}
