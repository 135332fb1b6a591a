package io.github.redisfilters.demo;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/cart} and {@code POST /api/cart {"sku","qty"}}: a cart in the (Redis-backed)
 * session, anonymous or logged in, served by any server.
 */
public class CartServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String CART = "cart";

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        Json.send(resp, 200, view(session == null ? null : cart(session)));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = Json.readObject(req, resp);
        if (body == null) {
            return;
        }
        String sku = body.path("sku").asText("").trim();
        JsonNode qtyNode = body.path("qty");
        if (sku.isEmpty() || sku.length() > 64 || !qtyNode.canConvertToInt() || !qtyNode.isIntegralNumber()
                || qtyNode.asInt() < 1 || qtyNode.asInt() > 1000) {
            Json.error(resp, 400, "expected {\"sku\": non-empty string, \"qty\": integer 1..1000}");
            return;
        }
        HttpSession session = req.getSession(true);
        LinkedHashMap<String, Integer> cart = cart(session);
        LinkedHashMap<String, Integer> updated = cart == null ? new LinkedHashMap<>() : new LinkedHashMap<>(cart);
        updated.merge(sku, qtyNode.asInt(), Integer::sum);
        session.setAttribute(CART, updated);
        Json.send(resp, 200, view(updated));
    }

    @SuppressWarnings("unchecked")
    private static LinkedHashMap<String, Integer> cart(HttpSession session) {
        Object c = session.getAttribute(CART);
        return c instanceof LinkedHashMap ? (LinkedHashMap<String, Integer>) c : null;
    }

    private static Map<String, Object> view(Map<String, Integer> cart) {
        List<Map<String, Object>> items = new ArrayList<>();
        int total = 0;
        if (cart != null) {
            for (Map.Entry<String, Integer> e : cart.entrySet()) {
                items.add(Map.of("sku", e.getKey(), "qty", e.getValue()));
                total += e.getValue();
            }
        }
        return Map.of("items", items, "totalQty", total);
    }
}
