package io.github.redisfilters.demo;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.config.ConfigException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** {@code GET /health}: 200 {"redis":"UP"} or 503 {"redis":"DOWN"}, through the filters' shared client. */
public class HealthServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private transient SharedRedisClient redis;

    @Override
    public void init() throws ServletException {
        try {
            redis = SharedRedisClient.acquire(getServletContext(),
                    RedisSettings.forContext(getServletContext(), "servlet 'health'"));
        } catch (ConfigException e) {
            throw new ServletException(e.getMessage(), e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean up = redis.ping().up();
        resp.setHeader("Cache-Control", "no-store");
        Json.send(resp, up ? 200 : 503, Map.of("redis", up ? "UP" : "DOWN"));
    }

    @Override
    public void destroy() {
        SharedRedisClient.release(getServletContext(), redis);
    }
}
