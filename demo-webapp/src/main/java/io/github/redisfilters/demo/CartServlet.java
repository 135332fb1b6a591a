package io.github.redisfilters.demo;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/cart} and {@code POST /api/cart {"sku","qty"}}: a cart in the (Redis-backed)
 * session, anonymous or logged in, served by any server.
 */
public class CartServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    static final String CART = "cart";
    static final int MAX_QTY = 1000;
    static final int MAX_ITEMS = 50;
    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._-]{1,64}");

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
        JsonNode skuNode = body.get("sku");
        JsonNode qtyNode = body.get("qty");
        if (skuNode == null || !skuNode.isTextual() || !SKU.matcher(skuNode.asText()).matches()
                || qtyNode == null || !qtyNode.isIntegralNumber() || !qtyNode.canConvertToInt()
                || qtyNode.asInt() < 1 || qtyNode.asInt() > MAX_QTY) {
            Json.error(resp, 400, "expected {\"sku\": 1 to 64 letters, digits, '-', '_' or '.', \"qty\": integer 1.." + MAX_QTY + "}");
            return;
        }
        String sku = skuNode.asText();
        HttpSession session = req.getSession(true);
        LinkedHashMap<String, Integer> cart = cart(session);
        LinkedHashMap<String, Integer> updated = cart == null ? new LinkedHashMap<>() : new LinkedHashMap<>(cart);
        if (!updated.containsKey(sku) && updated.size() >= MAX_ITEMS) {
            Json.error(resp, 400, "a cart holds at most " + MAX_ITEMS + " different items");
            return;
        }
        if (updated.getOrDefault(sku, 0) + qtyNode.asInt() > MAX_QTY) {
            Json.error(resp, 400, "a cart holds at most " + MAX_QTY + " of one item");
            return;
        }
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
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("sku", e.getKey());
                item.put("qty", e.getValue());
                items.add(item);
                total += e.getValue();
            }
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("items", items);
        view.put("totalQty", total);
        return view;
    }
}
