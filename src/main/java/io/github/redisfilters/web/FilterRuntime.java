package io.github.redisfilters.web;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.RequestBatch;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.config.InitParams;
import io.github.redisfilters.metrics.FilterMetrics;
import io.github.redisfilters.metrics.MetricsRegistry;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every filter holds between {@code init} and {@code destroy}: the shared Redis client of
 * its web application and its counters. Starting it acquires the client and registers the
 * counters and logs the filter's effective configuration once; closing it gives both back.
 */
public final class FilterRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FilterRuntime.class);

    private final ServletContext context;
    private final SharedRedisClient redis;
    private final FilterMetrics metrics;
    private final String keyPrefix;
    private final boolean chainBatching;
    private boolean closed;

    private FilterRuntime(ServletContext context, SharedRedisClient redis, FilterMetrics metrics, String keyPrefix,
            boolean chainBatching) {
        this.context = context;
        this.redis = redis;
        this.metrics = metrics;
        this.keyPrefix = keyPrefix;
        this.chainBatching = chainBatching;
    }

    /**
     * Starts the runtime of one filter.
     *
     * @param kind     {@code cache}, {@code ratelimit}, {@code jwt} or {@code session}
     * @param settings the filter's Redis settings, or null to resolve them from the context-params
     *                 and the environment
     * @param config   the filter's effective configuration, logged once with its {@code toString()}
     *                 (which must mask secrets)
     */
    public static FilterRuntime start(FilterConfig filterConfig, String kind, RedisSettings settings, Object config)
            throws ConfigException {
        ServletContext ctx = filterConfig.getServletContext();
        String name = filterConfig.getFilterName();
        RedisSettings effective = settings != null ? settings
                : RedisSettings.forContext(ctx, "filter '" + name + "'");
        boolean batching = chainBatching(filterConfig);
        SharedRedisClient redis = SharedRedisClient.acquire(ctx, effective);
        FilterMetrics metrics = new FilterMetrics(kind, name);
        MetricsRegistry.of(ctx).register(metrics);
        LOG.info("filter '{}' ({}) started: {}; redis={}", name, kind, config, effective.describeTarget());
        return new FilterRuntime(ctx, redis, metrics, effective.keyPrefix(), batching);
    }

    /** {@code chainBatching}: the filter's init-param, else the context-param, else true. */
    private static boolean chainBatching(FilterConfig filterConfig) throws ConfigException {
        String name = RequestBatch.PARAMETER;
        String value = filterConfig.getInitParameter(name);
        String component = "filter '" + filterConfig.getFilterName() + "'";
        if (value == null || value.isBlank()) {
            value = filterConfig.getServletContext().getInitParameter(name);
            component = "context-param";
        }
        boolean[] on = {true};
        InitParams.of(component, value == null ? Map.of() : Map.of(name, value), Set.of(name))
                .apply(name, InitParams.BOOLEAN, v -> on[0] = v);
        return on[0];
    }

    /**
     * Whether this filter shares Redis round trips with the application's other filters of this
     * library ({@code chainBatching}, default true).
     */
    public boolean chainBatching() {
        return chainBatching;
    }

    public SharedRedisClient redis() {
        return redis;
    }

    public FilterMetrics metrics() {
        return metrics;
    }

    /** Key prefix of this filter's keys (from its settings). */
    public String keyPrefix() {
        return keyPrefix;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        MetricsRegistry.of(context).unregister(metrics);
        SharedRedisClient.release(context, redis);
    }
}
