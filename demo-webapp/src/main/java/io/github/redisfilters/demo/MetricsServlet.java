package io.github.redisfilters.demo;

import io.github.redisfilters.metrics.RedisFiltersMeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /metrics}: the filters' counters and the Redis client's pool and breaker figures in
 * Prometheus text format, through the library's Micrometer binder on a registry this application
 * chose (the library chooses none). Filters started before or after this servlet are all included.
 */
public class MetricsServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private transient PrometheusMeterRegistry registry;
    private transient RedisFiltersMeterBinder binder;

    @Override
    public void init() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        binder = new RedisFiltersMeterBinder(getServletContext());
        binder.bindTo(registry);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(registry.scrape());
    }

    @Override
    public void destroy() {
        binder.close();
        registry.close();
    }
}
