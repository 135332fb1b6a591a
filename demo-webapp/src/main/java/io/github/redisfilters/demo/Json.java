package io.github.redisfilters.demo;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON in and out for the demo servlets; every error is an RFC 9457 problem document. */
final class Json {
    /**
     * Decimals as BigDecimal: {@code 1e400} is a number out of range, not an infinite double. One
     * JSON value per body and each name once in an object: {@code {…} xyz}, {@code {…}{…}} and
     * {@code {"sku":"A","sku":"B"}} are malformed, not read as their first value or last name.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    static final int MAX_BODY = 16 * 1024;

    private Json() {
    }

    static void send(HttpServletResponse resp, int status, Object body) throws IOException {
        write(resp, status, "application/json", body);
    }

    /** {@code application/problem+json} with {@code type}, {@code title}, {@code status} and {@code detail}. */
    static void error(HttpServletResponse resp, int status, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title(status));
        problem.put("status", status);
        problem.put("detail", detail);
        write(resp, status, "application/problem+json", problem);
    }

    private static void write(HttpServletResponse resp, int status, String contentType, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType(contentType);
        resp.setCharacterEncoding("UTF-8");
        MAPPER.writeValue(resp.getOutputStream(), body);
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    /**
     * The request body as a JSON object, or null (after answering 400, or 413 above 16 KB) when it
     * is not one. Jackson's stream limits bound nesting depth and number length.
     */
    static JsonNode readObject(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            error(resp, 413, "request body larger than " + MAX_BODY / 1024 + " KB");
            return null;
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            error(resp, 400, "malformed JSON");
            return null;
        } catch (NumberFormatException e) {
            // an exponent beyond what BigDecimal holds (1e2147483648)
            error(resp, 400, "number out of range");
            return null;
        }
        if (node == null || !node.isObject()) {
            error(resp, 400, "expected a JSON object");
            return null;
        }
        return node;
    }
}
