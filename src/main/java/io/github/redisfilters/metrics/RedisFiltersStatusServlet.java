package io.github.redisfilters.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.metrics.MetricsRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * A JSON status page users may map (e.g. to {@code /admin/redis-filters}; protect it like any
 * admin page): for each Redis client of the application its target (no secrets), health and
 * {@code PING} latency in microseconds, circuit-breaker state and pool usage, and every filter's
 * counters. Answers 200 when every client is up, else 503.
 *
 * <p>When a JWT blacklist uses a client, each page view also checks that Redis' persistence
 * ({@link io.github.redisfilters.internal.client.PersistenceWatch}) and reports {@code persistenceWarning}:
 * why revocations may be lost (the Redis persists nothing, or it restarted), or {@code null}.
 */
public class RedisFiltersStatusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode clients = root.putArray("redis");
        boolean allUp = true;
        for (SharedRedisClient c : SharedRedisClient.all(getServletContext())) {
            SharedRedisClient.Health h = c.ping();
            allUp &= h.up();
            ObjectNode n = clients.addObject();
            n.put("target", c.target());
            n.put("status", h.up() ? "UP" : "DOWN");
            n.put("latencyMicros", h.micros());
            n.put("breaker", c.breaker().state().name());
            n.put("breakerOpenings", c.breaker().openings());
            n.put("poolRenewals", c.poolRenewals());
            n.put("slotMapRenewals", c.slotMapRenewals());
            if (c.persistence().watched()) {
                c.persistence().checkNow();
                String warning = c.persistence().warning();
                n.put("persistenceWarning", warning); // null when the Redis keeps its data and did not restart
            }
            ObjectNode pool = n.putObject("pool");
            for (Map.Entry<String, Map<String, Integer>> e : c.poolStats().entrySet()) {
                ObjectNode p = pool.putObject(e.getKey());
                e.getValue().forEach(p::put);
            }
        }
        ArrayNode filters = root.putArray("filters");
        for (FilterMetrics m : MetricsRegistry.of(getServletContext()).all()) {
            ObjectNode f = filters.addObject();
            f.put("name", m.filterName());
            f.put("kind", m.kind());
            ObjectNode counters = f.putObject("counters");
            m.snapshot().forEach(counters::put);
        }
        resp.setStatus(allUp ? 200 : 503);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        JSON.writeValue(resp.getOutputStream(), root);
    }
}
