package io.github.redisfilters.demo;

import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.redisfilters.cache.CacheResponse;
import io.github.redisfilters.client.RedisUnavailableException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * {@code GET /api/products}, {@code GET /api/products/{id}} (a slow origin: at least 20 ms) and
 * {@code POST /api/products} (bearer). Caching and invalidation are done by the
 * ResponseCacheFilter; this servlet knows nothing about them.
 */
@CacheResponse(ttl = "60s")
public class ProductsServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    static final long ORIGIN_DELAY_MS = 25;
    static final int MAX_NAME_LENGTH = 200;
    static final BigDecimal MAX_PRICE = new BigDecimal("1000000");

    private transient DemoServices services;

    @Override
    public void init() throws ServletException {
        services = DemoServices.of(getServletContext());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        slowOrigin();
        String info = req.getPathInfo();
        if (info == null || info.equals("/")) {
            Json.send(resp, 200, Map.of("products", services.catalog().all()));
            return;
        }
        long id;
        try {
            id = Long.parseLong(info.substring(1));
        } catch (NumberFormatException e) {
            Json.error(resp, 404, "no such product");
            return;
        }
        ObjectNode p;
        try {
            p = services.catalog().find(id);
        } catch (RedisUnavailableException e) {
            Json.error(resp, 503, "catalogue temporarily unavailable");
            return;
        }
        if (p == null) {
            Json.error(resp, 404, "no such product");
        } else {
            Json.send(resp, 200, p);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getPathInfo() != null && !req.getPathInfo().equals("/")) {
            Json.error(resp, 405, "POST to /api/products");
            return;
        }
        DecodedJWT jwt = services.auth().require(req, resp);
        if (jwt == null) {
            return;
        }
        JsonNode body = Json.readObject(req, resp);
        if (body == null) {
            return;
        }
        String invalid = invalidProduct(body.get("name"), body.get("price"));
        if (invalid != null) {
            Json.error(resp, 400, invalid);
            return;
        }
        String name = withoutInvisibleEnds(body.get("name").asText());
        BigDecimal price = body.get("price").decimalValue().setScale(2, RoundingMode.UNNECESSARY);
        try {
            ObjectNode created = services.catalog().create(name, price);
            resp.setHeader("Location", req.getContextPath() + "/api/products/" + created.get("id").asLong());
            Json.send(resp, 201, created);
        } catch (RedisUnavailableException e) {
            Json.error(resp, 503, "catalogue temporarily unavailable");
        }
    }

    /** Why a new product is refused, or null when its fields are acceptable. */
    static String invalidProduct(JsonNode name, JsonNode price) {
        if (name == null || !name.isTextual()) {
            return "name must be a string";
        }
        if (name.asText().chars().anyMatch(Character::isISOControl)) {
            return "name must not contain control characters";
        }
        if (hasUnpairedSurrogate(name.asText())) {
            return "name must be Unicode text (it has an unpaired surrogate)";
        }
        String n = withoutInvisibleEnds(name.asText());
        if (n.isEmpty() || n.length() > MAX_NAME_LENGTH) {
            return "name must have 1 to " + MAX_NAME_LENGTH + " characters";
        }
        if (price == null || !price.isNumber()) {
            return "price must be a number";
        }
        BigDecimal p = price.decimalValue();
        if (p.signum() < 0 || p.compareTo(MAX_PRICE) > 0) {
            return "price must be from 0 to " + MAX_PRICE;
        }
        if (p.stripTrailingZeros().scale() > 2) {
            return "price must have at most 2 decimals";
        }
        return null;
    }

    /** The name without leading and trailing {@linkplain #invisible invisible} characters. */
    static String withoutInvisibleEnds(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && invisible(s.codePointAt(from))) {
            from += Character.charCount(s.codePointAt(from));
        }
        while (to > from && invisible(s.codePointBefore(to))) {
            to -= Character.charCount(s.codePointBefore(to));
        }
        return s.substring(from, to);
    }

    /** Spaces of any kind (no-break ones too) and format characters (BOM, bidi marks, zero widths). */
    private static boolean invisible(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || Character.getType(codePoint) == Character.FORMAT;
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static void slowOrigin() {
        try {
            Thread.sleep(ORIGIN_DELAY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
