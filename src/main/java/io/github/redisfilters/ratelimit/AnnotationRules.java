package io.github.redisfilters.ratelimit;

import io.github.redisfilters.config.Durations;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads {@link RateLimit} annotations of the application's servlets into rules. */
final class AnnotationRules {
    private AnnotationRules() {
    }

    /** Rules for every registered servlet class carrying {@link RateLimit}; bad annotations throw. */
    static List<Rule> scan(ServletContext context) {
        List<Rule> out = new ArrayList<>();
        Map<String, ? extends ServletRegistration> regs = context.getServletRegistrations();
        for (Map.Entry<String, ? extends ServletRegistration> e : regs.entrySet()) {
            String className = e.getValue().getClassName();
            if (className == null) {
                continue;
            }
            Class<?> type = load(className, context);
            if (type != null) {
                out.addAll(forServlet(e.getKey(), type));
            }
        }
        return out;
    }

    /** Some embedded contexts have no class loader of their own: try the thread's, then ours. */
    private static Class<?> load(String className, ServletContext context) {
        for (ClassLoader l : new ClassLoader[] {context.getClassLoader(), Thread.currentThread().getContextClassLoader(),
                AnnotationRules.class.getClassLoader()}) {
            if (l == null) {
                continue;
            }
            try {
                return Class.forName(className, false, l);
            } catch (ClassNotFoundException | LinkageError ex) {
                // next loader; the container reports a servlet it cannot load itself
            }
        }
        return null;
    }

    static List<Rule> forServlet(String servletName, Class<?> type) {
        RateLimit[] limits = type.getAnnotationsByType(RateLimit.class);
        List<Rule> out = new ArrayList<>();
        for (RateLimit a : limits) {
            String base = a.name().isEmpty() ? type.getSimpleName() : a.name();
            String name = a.name().isEmpty() && limits.length > 1 ? base + "-" + a.window() : base;
            try {
                Rule.Builder b = Rule.builder(name).servlet(servletName);
                if (a.methods().length > 0) {
                    b.methods(a.methods());
                }
                b.policy(name, a.limit(), Durations.parse(a.window()), a.algorithm());
                if (a.key() == KeySource.HEADER) {
                    b.header(a.header());
                } else {
                    b.key(a.key());
                }
                if (a.missingKey().length > 0) {
                    b.missingKey(a.missingKey()[0]);
                }
                if (a.failureMode().length > 0) {
                    b.failureMode(a.failureMode()[0]);
                }
                b.reportOnly(a.reportOnly()).exempt(a.exempt()).exemptKeys(a.exemptKeys()).denyStatus(a.denyStatus())
                        .denyMessage(a.denyMessage().isEmpty() ? null : a.denyMessage());
                out.add(b.build());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("@RateLimit on " + type.getName() + " (servlet '" + servletName + "'): "
                        + ex.getMessage(), ex);
            }
        }
        return out;
    }
}
