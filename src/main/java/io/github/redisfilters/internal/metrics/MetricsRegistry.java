package io.github.redisfilters.internal.metrics;

import io.github.redisfilters.client.SharedRedisClient;
import jakarta.servlet.ServletContext;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filters' counters and Redis clients of one web application, kept in a {@link ServletContext}
 * attribute (no static state). Filters register their counters and the client they use on
 * {@code init} and unregister both on {@code destroy}.
 *
 * <p>Each registered filter is exposed as a JMX MBean named
 * {@code io.github.redisfilters:type=Filter,context=<context path>,name=<filter name>} whose
 * attributes are its counters, and each client as
 * {@code io.github.redisfilters:type=RedisClient,context=<context path>,name=<target>} whose
 * attributes are its target, circuit-breaker state and counts, and connection-pool figures
 * (see {@link ClientFigures}). Both are unregistered with their last user, so redeploys leave
 * nothing behind.
 */
public final class MetricsRegistry {
    static final String ATTRIBUTE = MetricsRegistry.class.getName();

    /** JMX domain of every MBean the library registers. */
    public static final String JMX_DOMAIN = "io.github.redisfilters";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsRegistry.class);

    /**
     * Told about filters and clients as they come and go (a meter binder keeps its meters in step
     * this way). Called under the registry's lock: be quick and do not call back into it.
     */
    public interface Listener {
        /** A filter started. */
        default void filterAdded(FilterMetrics metrics) {
        }

        /** A filter stopped. */
        default void filterRemoved(FilterMetrics metrics) {
        }

        /** A filter started using a client no other filter of the application used. */
        default void clientAdded(SharedRedisClient client) {
        }

        /** The last filter using a client stopped. */
        default void clientRemoved(SharedRedisClient client) {
        }
    }

    private final List<FilterMetrics> metrics = new CopyOnWriteArrayList<>();
    private final Map<FilterMetrics, ObjectName> filterNames = new IdentityHashMap<>();
    private final Map<SharedRedisClient, Integer> clientUsers = new LinkedHashMap<>();
    private final Map<SharedRedisClient, ObjectName> clientNames = new IdentityHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final String contextName;

    private MetricsRegistry(String contextName) {
        this.contextName = contextName;
    }

    /** The registry of {@code context}, created on first use. */
    public static MetricsRegistry of(ServletContext context) {
        synchronized (context) {
            MetricsRegistry r = (MetricsRegistry) context.getAttribute(ATTRIBUTE);
            if (r == null) {
                r = new MetricsRegistry(context.getContextPath().isEmpty() ? "/" : context.getContextPath());
                context.setAttribute(ATTRIBUTE, r);
            }
            return r;
        }
    }

    /** Adds a filter's counters (and its MBean). */
    public synchronized void register(FilterMetrics m) {
        metrics.add(m);
        ObjectName name = registerMBean("Filter", m.filterName(), new ReadOnlyMBean(FilterMetrics.class.getName(),
                "counters of filter '" + m.filterName() + "'", () -> filterAttributes(m)));
        if (name != null) {
            filterNames.put(m, name);
        }
        listeners.forEach(l -> l.filterAdded(m));
    }

    /** Removes a filter's counters (and its MBean). */
    public synchronized void unregister(FilterMetrics m) {
        if (metrics.remove(m)) {
            unregisterMBean(filterNames.remove(m));
            listeners.forEach(l -> l.filterRemoved(m));
        }
    }

    /** Records that a filter uses {@code client}; the first user registers the client's MBean. */
    public synchronized void registerClient(SharedRedisClient client) {
        if (clientUsers.merge(client, 1, Integer::sum) == 1) {
            ObjectName name = registerMBean("RedisClient", client.target(), new ReadOnlyMBean(
                    SharedRedisClient.class.getName(), "Redis client for " + client.target(),
                    () -> ClientFigures.of(client)));
            if (name != null) {
                clientNames.put(client, name);
            }
            listeners.forEach(l -> l.clientAdded(client));
        }
    }

    /** Undoes one {@link #registerClient}; the last one removes the client's MBean. */
    public synchronized void unregisterClient(SharedRedisClient client) {
        Integer n = clientUsers.get(client);
        if (n == null) {
            return;
        }
        if (n > 1) {
            clientUsers.put(client, n - 1);
            return;
        }
        clientUsers.remove(client);
        unregisterMBean(clientNames.remove(client));
        listeners.forEach(l -> l.clientRemoved(client));
    }

    /**
     * Adds a listener and tells it at once about every filter and client already registered, so
     * it misses none whichever starts first.
     */
    public synchronized void addListener(Listener listener) {
        listeners.add(listener);
        clientUsers.keySet().forEach(listener::clientAdded);
        metrics.forEach(listener::filterAdded);
    }

    /** Removes a listener added with {@link #addListener}. */
    public synchronized void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** The JMX name under which {@code m} is registered, or null. */
    public synchronized ObjectName objectName(FilterMetrics m) {
        return filterNames.get(m);
    }

    /** The JMX name under which {@code client} is registered, or null. */
    public synchronized ObjectName objectName(SharedRedisClient client) {
        return clientNames.get(client);
    }

    /** The counters of every running filter. */
    public List<FilterMetrics> all() {
        return List.copyOf(metrics);
    }

    /** Every client a running filter uses. */
    public synchronized List<SharedRedisClient> clients() {
        return new ArrayList<>(clientUsers.keySet());
    }

    private static Map<String, Object> filterAttributes(FilterMetrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", m.kind());
        out.putAll(m.snapshot());
        return out;
    }

    private ObjectName registerMBean(String type, String name, Object bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                ObjectName on = new ObjectName(JMX_DOMAIN + ":type=" + type + ",context=" + ObjectName.quote(contextName)
                        + ",name=" + ObjectName.quote(name + (attempt == 0 ? "" : "#" + attempt)));
                server.registerMBean(bean, on);
                return on;
            } catch (InstanceAlreadyExistsException e) {
                // the same context path on another server in this JVM: try the next suffix
            } catch (JMException | RuntimeException e) {
                LOG.debug("JMX registration of {} '{}' failed", type, name, e);
                return null;
            }
        }
        return null;
    }

    private static void unregisterMBean(ObjectName name) {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException | RuntimeException e) {
                LOG.debug("JMX unregistration of {} failed", name, e);
            }
        }
    }
}
