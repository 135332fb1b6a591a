package io.github.redisfilters.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** JSON in and out for the demo servlets. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_BODY = 16 * 1024;

    private Json() {
    }

    static void send(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        MAPPER.writeValue(resp.getOutputStream(), body);
    }

    static void error(HttpServletResponse resp, int status, String message) throws IOException {
        send(resp, status, Map.of("error", message));
    }

    /** The request body as a JSON object, or null (after answering 400) when it is not one. */
    static JsonNode readObject(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            error(resp, 413, "request body too large");
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                error(resp, 400, "expected a JSON object");
                return null;
            }
            return node;
        } catch (IOException e) {
            error(resp, 400, "malformed JSON");
            return null;
        }
    }
}
