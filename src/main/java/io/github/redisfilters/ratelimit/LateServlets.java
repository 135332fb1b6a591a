package io.github.redisfilters.ratelimit;

import io.github.redisfilters.internal.web.AnnotatedServlets;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servlets that requests reach but that were not registered when the filter started (an embedded
 * container adding one later). Their {@link RateLimit} annotations were never read, so they are
 * not applied: a request to such a servlet logs one ERROR naming it (and what is wrong with its
 * annotation, if anything) instead of leaving it silently unlimited. Looking up a request's
 * servlet costs, so a filter without servlet rules looks at one request in {@value #SAMPLE}
 * (the first one included): the ERROR comes with one of the first requests to a busy late
 * servlet, later for a rarely used one.
 */
final class LateServlets {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);

    private final ServletContext context;
    private final String component;
    private final Set<String> known;
    static final int SAMPLE = 64;

    private final ConcurrentMap<String, Boolean> seen = new ConcurrentHashMap<>();
    /** Requests seen; racy on purpose (a lost increment only shifts the sample). */
    private int requests;

    /** @param known the servlet names whose annotations were read at start */
    LateServlets(ServletContext context, String component, Set<String> known) {
        this.context = context;
        this.component = component;
        this.known = Set.copyOf(known);
    }

    /** Whether this request is one of the sampled ones. */
    boolean sample() {
        return requests++ % SAMPLE == 0;
    }

    /** Looks at a servlet a request is mapped to, once per name; null (no mapping) is ignored. */
    void check(String servletName) {
        if (servletName != null && !known.contains(servletName) && !seen.containsKey(servletName)) {
            seen.computeIfAbsent(servletName, this::inspect);
        }
    }

    /** True when the servlet carries {@link RateLimit} (and the ERROR was logged). */
    private Boolean inspect(String servletName) {
        ServletRegistration reg = context.getServletRegistration(servletName);
        String className = reg == null ? null : reg.getClassName();
        Class<?> type = className == null ? null : AnnotatedServlets.load(className, context);
        if (type == null || type.getAnnotationsByType(RateLimit.class).length == 0) {
            return false;
        }
        String problem;
        try {
            AnnotationRules.forServlet(servletName, type);
            problem = "@RateLimit on " + className + " (servlet '" + servletName + "')";
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        LOG.error("{}: {}; the annotation is not applied (its requests are limited by path rules only): {}", component, problem,
                AnnotatedServlets.LATE);
        return true;
    }
}
