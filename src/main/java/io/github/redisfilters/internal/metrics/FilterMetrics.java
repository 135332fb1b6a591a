package io.github.redisfilters.internal.metrics;

import io.github.redisfilters.metrics.RedisFiltersMeterBinder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Named counters of one filter instance, always on and cheap ({@link LongAdder}). Counter names
 * are dotted lower-case, e.g. {@code hits}, {@code limited.login}. Read them through JMX, the
 * status servlet or {@link RedisFiltersMeterBinder}.
 *
 * <p>A filter declares its counters when it starts ({@link #declare}, {@link #declarePerRule}), so
 * every counter exists with the value 0 before the first request: monitoring can read and graph
 * it, and an alert on it does not wait for the first increment. A counter first incremented
 * without having been declared is created then (and announced to {@link #onNewCounter} listeners).
 */
public final class FilterMetrics {
    private final String filterName;
    private final String kind;
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    /** Per-rule counter name to its {base, rule}. */
    private final Map<String, String[]> perRule = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param kind       {@code cache}, {@code ratelimit}, {@code jwt} or {@code session}
     * @param filterName the filter's name in web.xml (or as registered)
     */
    public FilterMetrics(String kind, String filterName) {
        this.kind = kind;
        this.filterName = filterName;
    }

    /** Creates these counters at 0 (names already present keep their value). */
    public FilterMetrics declare(String... names) {
        for (String n : names) {
            counter(n);
        }
        return this;
    }

    /**
     * Creates, for every rule and every base name, the counter {@code <base>.<rule>} at 0 (e.g.
     * {@code allowed.login}) and remembers that it belongs to that rule, so that meter registries
     * can tag it {@code rule=<rule>} under the name {@code <base>}.
     */
    public FilterMetrics declarePerRule(Collection<String> rules, String... bases) {
        for (String rule : rules) {
            for (String base : bases) {
                String name = base + "." + rule;
                perRule.put(name, new String[] {base, rule});
                counter(name);
            }
        }
        return this;
    }

    /** Adds one to {@code name}. */
    public void increment(String name) {
        counter(name).increment();
    }

    /** Adds {@code delta} to {@code name}. */
    public void add(String name, long delta) {
        counter(name).add(delta);
    }

    private LongAdder counter(String name) {
        LongAdder a = counters.get(name); // lock-free once the counter exists
        if (a != null) {
            return a;
        }
        LongAdder fresh = new LongAdder();
        a = counters.putIfAbsent(name, fresh);
        if (a != null) {
            return a;
        }
        for (Consumer<String> l : listeners) {
            l.accept(name);
        }
        return fresh;
    }

    /** Current value, 0 if never counted. */
    public long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    /** A sorted copy of all counters. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /**
     * The rule a counter was declared for with {@link #declarePerRule}, or null for a counter of
     * the whole filter.
     */
    public String ruleOf(String counter) {
        String[] r = perRule.get(counter);
        return r == null ? null : r[1];
    }

    /** The counter's name without its rule ({@code allowed.login} &rarr; {@code allowed}). */
    public String baseOf(String counter) {
        String[] r = perRule.get(counter);
        return r == null ? counter : r[0];
    }

    /**
     * Calls {@code listener} with the name of every counter created from now on (declared late or
     * first incremented without a declaration). Listeners run on the thread that creates the
     * counter and must be quick.
     */
    public void onNewCounter(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Stops calling a listener added with {@link #onNewCounter}. */
    public void removeNewCounterListener(Consumer<String> listener) {
        listeners.remove(listener);
    }

    /** The filter's name in web.xml (or as registered). */
    public String filterName() {
        return filterName;
    }

    /** The kind of filter: {@code cache}, {@code ratelimit}, {@code jwt}, {@code session}. */
    public String kind() {
        return kind;
    }
}
