package io.github.redisfilters.metrics;

import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.metrics.ClientFigures;
import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.metrics.MetricsRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Publishes the filters' counters and the Redis clients' pool and breaker figures of one web
 * application on a Micrometer {@link MeterRegistry} of the application's choosing (the library
 * picks no registry and no exporter). Needs {@code io.micrometer:micrometer-core} on the
 * application's classpath; the library declares it optional.
 *
 * <pre>{@code
 * new RedisFiltersMeterBinder(servletContext).bindTo(registry); // e.g. in a ServletContextListener
 * }</pre>
 *
 * <p>It may be bound before the filters start: filters, clients and counters that appear later
 * are published when they appear, and the meters of a filter or client that stops are removed.
 *
 * <table>
 * <caption>Meters (Prometheus names in brackets)</caption>
 * <tr><th>meter</th><th>type</th><th>tags</th></tr>
 * <tr><td>{@code redisfilters.<kind>.<counter>} ({@code redisfilters_cache_hits_total}, …)</td><td>counter</td>
 *     <td>{@code filter}</td></tr>
 * <tr><td>{@code redisfilters.<kind>.rule.<counter>} ({@code redisfilters_ratelimit_rule_limited_total}, …)</td><td>counter</td>
 *     <td>{@code filter}, {@code rule}</td></tr>
 * <tr><td>{@code redisfilters.client.pool.active} / {@code .idle} / {@code .waiting} / {@code .max}</td><td>gauge</td>
 *     <td>{@code client}</td></tr>
 * <tr><td>{@code redisfilters.client.breaker.open} (1 while open), {@code redisfilters.client.breaker.rejected}
 *     (calls refused in this outage)</td><td>gauge</td><td>{@code client}</td></tr>
 * <tr><td>{@code redisfilters.client.breaker.openings}</td><td>counter</td><td>{@code client}</td></tr>
 * <tr><td>{@code redisfilters.client.persistence.warning} (1 while revocations may be lost)</td><td>gauge</td>
 *     <td>{@code client}</td></tr>
 * </table>
 * {@code <kind>} is {@code cache}, {@code ratelimit}, {@code jwt} or {@code session}; the counters
 * are those of the README's Observability section, except that a counter whose name ends in a
 * suffix Prometheus reserves gets {@code .events} appended (the session's {@code created} is
 * {@code redisfilters.session.created.events}); {@code client} is the client's target without secrets.
 */
public final class RedisFiltersMeterBinder implements MeterBinder, AutoCloseable {
    private static final String PREFIX = "redisfilters.";

    private final ServletContext context;
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();

    /** A binder for the filters of {@code context}. */
    public RedisFiltersMeterBinder(ServletContext context) {
        this.context = context;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Binding b = new Binding(registry);
        bindings.add(b);
        MetricsRegistry.of(context).addListener(b);
    }

    /** Stops following the application and removes every meter this binder registered. */
    @Override
    public void close() {
        for (Binding b : bindings) {
            MetricsRegistry.of(context).removeListener(b);
            b.removeAll();
        }
        bindings.clear();
    }

    /**
     * A counter's name as a meter name part. Prometheus reserves some suffixes for series of its
     * own ({@code _created}, {@code _total}, {@code _count}, {@code _sum}, {@code _bucket},
     * {@code _info}), and Micrometer strips them: the session filter's {@code created} would
     * become {@code redisfilters_session_total}. Such names get {@code .events} appended
     * ({@code redisfilters_session_created_events_total}).
     */
    static String meterName(String counter) {
        String last = counter.substring(counter.lastIndexOf('.') + 1);
        return switch (last) {
            case "created", "total", "count", "sum", "bucket", "info" -> counter + ".events";
            default -> counter;
        };
    }

    /** The meters of one registry, kept in step with the application's filters and clients. */
    private static final class Binding implements MetricsRegistry.Listener {
        private final MeterRegistry registry;
        private final Map<Object, List<Meter>> meters = new IdentityHashMap<>();
        private final Map<FilterMetrics, Consumer<String>> counterListeners = new IdentityHashMap<>();

        Binding(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public synchronized void filterAdded(FilterMetrics m) {
            meters.put(m, new ArrayList<>());
            Consumer<String> onNew = name -> addCounter(m, name);
            counterListeners.put(m, onNew);
            m.onNewCounter(onNew);
            for (String name : m.snapshot().keySet()) {
                addCounter(m, name);
            }
        }

        private synchronized void addCounter(FilterMetrics m, String name) {
            List<Meter> list = meters.get(m);
            if (list == null) {
                return; // the filter stopped meanwhile
            }
            String rule = m.ruleOf(name);
            Tags tags = Tags.of("filter", m.filterName());
            String meter = PREFIX + m.kind() + "." + meterName(m.baseOf(name));
            if (rule != null) {
                // a separate name: Prometheus wants one set of tag keys per name
                tags = tags.and("rule", rule);
                meter = PREFIX + m.kind() + ".rule." + meterName(m.baseOf(name));
            }
            list.add(FunctionCounter.builder(meter, m, f -> f.get(name)).tags(tags).register(registry));
        }

        @Override
        public synchronized void filterRemoved(FilterMetrics m) {
            Consumer<String> onNew = counterListeners.remove(m);
            if (onNew != null) {
                m.removeNewCounterListener(onNew);
            }
            remove(m);
        }

        @Override
        public synchronized void clientAdded(SharedRedisClient c) {
            Tags tags = Tags.of("client", c.target());
            List<Meter> list = new ArrayList<>();
            gauge(list, "client.pool.active", c, "poolActive", tags);
            gauge(list, "client.pool.idle", c, "poolIdle", tags);
            gauge(list, "client.pool.waiting", c, "poolWaiting", tags);
            if (c.settings().externalClient() == null) {
                gauge(list, "client.pool.max", c, "poolMax", tags);
            }
            gauge(list, "client.breaker.open", c, "breakerOpen", tags);
            gauge(list, "client.breaker.rejected", c, "breakerRejected", tags);
            list.add(FunctionCounter.builder(PREFIX + "client.breaker.openings", c, x -> x.breaker().openings())
                    .tags(tags).description("times the circuit breaker opened").register(registry));
            list.add(FunctionCounter.builder(PREFIX + "client.pool.renewals", c, SharedRedisClient::poolRenewals)
                    .tags(tags).description("times the connection pool was renewed after a managed failover or refused connections")
                    .register(registry));
            list.add(FunctionCounter.builder(PREFIX + "client.slotmap.renewals", c, SharedRedisClient::slotMapRenewals)
                    .tags(tags).description("times a Redis Cluster client re-read its slot map after a node's connection failed")
                    .register(registry));
            list.add(Gauge.builder(PREFIX + "client.persistence.warning", c, x -> x.persistence().warning() == null ? 0 : 1)
                    .tags(tags).description("1 while data in this Redis may be lost on restart").register(registry));
            meters.put(c, list);
        }

        private void gauge(List<Meter> list, String name, SharedRedisClient c, String figure, Tags tags) {
            list.add(Gauge.builder(PREFIX + name, c, x -> ClientFigures.numbers(x).getOrDefault(figure, 0).doubleValue())
                    .tags(tags).register(registry));
        }

        @Override
        public synchronized void clientRemoved(SharedRedisClient c) {
            remove(c);
        }

        private void remove(Object owner) {
            List<Meter> list = meters.remove(owner);
            if (list != null) {
                list.forEach(registry::remove);
            }
        }

        synchronized void removeAll() {
            for (FilterMetrics m : new ArrayList<>(counterListeners.keySet())) {
                filterRemoved(m);
            }
            for (Object owner : new ArrayList<>(meters.keySet())) {
                remove(owner);
            }
        }
    }
}
