package io.github.redisfilters.metrics;

import jakarta.servlet.ServletContext;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filters' counters of one web application, kept in a {@link ServletContext} attribute (no
 * static state). Filters register on {@code init} and unregister on {@code destroy}.
 *
 * <p>Each registered filter is also exposed as a JMX MBean named
 * {@code io.github.redisfilters:type=Filter,context=<context path>,name=<filter name>} whose
 * attributes are its counters; it is unregistered with the filter, so redeploys leave nothing
 * behind.
 */
public final class MetricsRegistry {
    static final String ATTRIBUTE = MetricsRegistry.class.getName();

    /** JMX domain of every MBean the library registers. */
    public static final String JMX_DOMAIN = "io.github.redisfilters";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsRegistry.class);

    private final List<FilterMetrics> metrics = new CopyOnWriteArrayList<>();
    private final Map<FilterMetrics, ObjectName> names = new ConcurrentHashMap<>();
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

    public void register(FilterMetrics m) {
        metrics.add(m);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                ObjectName name = new ObjectName(JMX_DOMAIN + ":type=Filter,context=" + ObjectName.quote(contextName)
                        + ",name=" + ObjectName.quote(m.filterName() + (attempt == 0 ? "" : "#" + attempt)));
                server.registerMBean(new FilterMetricsMBean(m), name);
                names.put(m, name);
                return;
            } catch (InstanceAlreadyExistsException e) {
                // the same context path on another server in this JVM: try the next suffix
            } catch (JMException | RuntimeException e) {
                LOG.debug("JMX registration of filter '{}' failed", m.filterName(), e);
                return;
            }
        }
    }

    public void unregister(FilterMetrics m) {
        metrics.remove(m);
        ObjectName name = names.remove(m);
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException | RuntimeException e) {
                LOG.debug("JMX unregistration of {} failed", name, e);
            }
        }
    }

    /** The JMX name under which {@code m} is registered, or null. */
    public ObjectName objectName(FilterMetrics m) {
        return names.get(m);
    }

    public List<FilterMetrics> all() {
        return List.copyOf(metrics);
    }
}
