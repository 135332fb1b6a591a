package io.github.redisfilters.internal.runtime;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.client.ReadPlan;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.config.InitParams;
import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.metrics.MetricsRegistry;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every filter holds between {@code init} and {@code destroy}: the shared Redis client of
 * its web application, its counters and its membership of the request batch. Starting it
 * acquires the client, registers the counters and logs the filter's effective configuration
 * once; closing it gives all of them back.
 *
 * <p>This is the lifecycle glue between the shared layers ({@code client}, {@code metrics},
 * {@code config}) and the capability packages; nothing in the shared layers imports it.
 */
public final class FilterRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FilterRuntime.class);

    private final ServletContext context;
    private final String filterName;
    private final SharedRedisClient redis;
    private final FilterMetrics metrics;
    private final String keyPrefix;
    private final boolean chainBatching;
    private RequestBatch.Member member;
    private boolean closed;

    private FilterRuntime(ServletContext context, String filterName, SharedRedisClient redis, FilterMetrics metrics,
            String keyPrefix, boolean chainBatching) {
        this.context = context;
        this.filterName = filterName;
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
     * @param counters the filter's counters, created at 0 before it is registered, so that JMX and
     *                 meter registries see each of them from the start (per-rule counters are
     *                 declared with {@link FilterMetrics#declarePerRule})
     */
    public static FilterRuntime start(FilterConfig filterConfig, String kind, RedisSettings settings, Object config,
            String... counters) throws ConfigException {
        ServletContext ctx = filterConfig.getServletContext();
        String name = filterConfig.getFilterName();
        RedisSettings effective;
        if (settings != null) {
            RedisSettings.checkContextParams(ctx);
            effective = settings;
        } else {
            effective = RedisSettings.forContext(ctx, "filter '" + name + "'");
        }
        boolean batching = chainBatching(filterConfig);
        SharedRedisClient redis = SharedRedisClient.acquire(ctx, effective);
        FilterMetrics metrics = new FilterMetrics(kind, name).declare(counters);
        MetricsRegistry registry = MetricsRegistry.of(ctx);
        registry.registerClient(redis);
        registry.register(metrics);
        LOG.info("filter '{}' ({}) started: {}; redis={}", name, kind, config, redis.target());
        return new FilterRuntime(ctx, name, redis, metrics, effective.keyPrefix(), batching);
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

    /**
     * Makes the filter a member of its web application's request batch (see {@link RequestBatch}),
     * until {@link #close}. Call once, at the end of {@code init}.
     *
     * @param planFor the read plan the filter would send for a request if it were reached now, or
     *                null when it would not touch Redis or its lookup may not run early; must not
     *                change the request and must be cheap (see {@link RequestBatch.Member#planFor})
     * @return the member to {@linkplain RequestBatch#enter enter} each request's batch with
     */
    public synchronized RequestBatch.Member joinBatch(Function<HttpServletRequest, ReadPlan<?>> planFor) {
        if (member != null) {
            throw new IllegalStateException("filter '" + filterName + "' already joined the request batch");
        }
        Member m = new Member(filterName, redis, chainBatching, planFor);
        m.chain = RequestBatch.register(context, m);
        member = m;
        return m;
    }

    /**
     * A filter as the request batch sees it. A plain class with identity equality, not a record:
     * the batch keys a map by member, and with a record's generated {@code hashCode}/{@code equals}
     * (linked through {@code java.lang.runtime.ObjectMethods}) Tomcat could no longer collect an
     * undeployed application's class loader (SessionLeakIT).
     */
    private static final class Member implements RequestBatch.Member {
        private final String filterName;
        private final SharedRedisClient redis;
        private final boolean batching;
        private final Function<HttpServletRequest, ReadPlan<?>> planner;
        /** Set once when the filter joins, before its first request (the container's init publishes it). */
        private RequestBatch.Chain chain;

        Member(String filterName, SharedRedisClient redis, boolean batching,
                Function<HttpServletRequest, ReadPlan<?>> planner) {
            this.filterName = filterName;
            this.redis = redis;
            this.batching = batching;
            this.planner = planner;
        }

        @Override
        public String filterName() {
            return filterName;
        }

        @Override
        public SharedRedisClient redis() {
            return redis;
        }

        @Override
        public boolean batching() {
            return batching;
        }

        @Override
        public ReadPlan<?> planFor(HttpServletRequest request) {
            return planner.apply(request);
        }

        @Override
        public RequestBatch.Chain chain() {
            return chain;
        }
    }

    /** The shared Redis client of the filter's web application. */
    public SharedRedisClient redis() {
        return redis;
    }

    /** The filter's counters. */
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
        if (member != null) {
            RequestBatch.unregister(context, member);
        }
        MetricsRegistry registry = MetricsRegistry.of(context);
        registry.unregister(metrics);
        registry.unregisterClient(redis);
        SharedRedisClient.release(context, redis);
    }
}
