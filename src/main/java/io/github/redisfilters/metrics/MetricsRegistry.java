package io.github.redisfilters.metrics;

import jakarta.servlet.ServletContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The filters' counters of one web application, kept in a {@link ServletContext} attribute (no
 * static state). Filters register on {@code init} and unregister on {@code destroy}.
 */
public final class MetricsRegistry {
    static final String ATTRIBUTE = MetricsRegistry.class.getName();

    private final List<FilterMetrics> metrics = new CopyOnWriteArrayList<>();

    private MetricsRegistry() {
    }

    /** The registry of {@code context}, created on first use. */
    public static MetricsRegistry of(ServletContext context) {
        synchronized (context) {
            MetricsRegistry r = (MetricsRegistry) context.getAttribute(ATTRIBUTE);
            if (r == null) {
                r = new MetricsRegistry();
                context.setAttribute(ATTRIBUTE, r);
            }
            return r;
        }
    }

    public void register(FilterMetrics m) {
        metrics.add(m);
    }

    public void unregister(FilterMetrics m) {
        metrics.remove(m);
    }

    public List<FilterMetrics> all() {
        return List.copyOf(metrics);
    }
}
