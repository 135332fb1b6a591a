package io.github.redisfilters.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Named counters of one filter instance, always on and cheap ({@link LongAdder}). Counter names
 * are dotted lower-case, e.g. {@code hits}, {@code limited.login}. Read them through JMX or the
 * status servlet.
 */
public final class FilterMetrics {
    private final String filterName;
    private final String kind;
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    public FilterMetrics(String kind, String filterName) {
        this.kind = kind;
        this.filterName = filterName;
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
        return a != null ? a : counters.computeIfAbsent(name, n -> new LongAdder());
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

    /** The filter's name in web.xml (or as registered). */
    public String filterName() {
        return filterName;
    }

    /** The kind of filter: {@code cache}, {@code ratelimit}, {@code jwt}, {@code session}. */
    public String kind() {
        return kind;
    }
}
