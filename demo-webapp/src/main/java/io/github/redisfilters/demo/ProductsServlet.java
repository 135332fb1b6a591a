package io.github.redisfilters.demo;

import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.redisfilters.cache.CacheResponse;
import io.github.redisfilters.client.RedisUnavailableException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;

/**
 * {@code GET /api/products}, {@code GET /api/products/{id}} (a slow origin: at least 20 ms) and
 * {@code POST /api/products} (bearer). Caching and invalidation are done by the
 * ResponseCacheFilter; this servlet knows nothing about them.
 */
@CacheResponse(ttl = "60s")
public class ProductsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final long ORIGIN_DELAY_MS = 25;

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
        String name = body.path("name").asText("").trim();
        JsonNode priceNode = body.path("price");
        if (name.isEmpty() || name.length() > 200 || !priceNode.isNumber() || priceNode.decimalValue().signum() < 0) {
            Json.error(resp, 400, "expected {\"name\": non-empty string, \"price\": non-negative number}");
            return;
        }
        BigDecimal price = priceNode.decimalValue();
        try {
            ObjectNode created = services.catalog().create(name, price);
            resp.setHeader("Location", req.getContextPath() + "/api/products/" + created.get("id").asLong());
            Json.send(resp, 201, created);
        } catch (RedisUnavailableException e) {
            Json.error(resp, 503, "catalogue temporarily unavailable");
        }
    }

    private static void slowOrigin() {
        try {
            Thread.sleep(ORIGIN_DELAY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
