package io.github.redisfilters.ratelimit;

import static io.github.redisfilters.internal.web.AnnotatedServlets.attribute;

import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.internal.web.AnnotatedServlets;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads {@link RateLimit} annotations of the application's servlets into rules. Every value goes
 * through the same check as in the compact syntax, the rules file and {@link Rule.Builder} (the
 * builder's or {@link Policy}'s own); a refusal names the servlet class, the attribute and its
 * value as written, then that check's message.
 */
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
            Class<?> type = AnnotatedServlets.load(className, context);
            if (type != null) {
                out.addAll(forServlet(e.getKey(), type));
            }
        }
        return out;
    }

    static List<Rule> forServlet(String servletName, Class<?> type) {
        return forServlet(servletName, type, type.getAnnotationsByType(RateLimit.class));
    }

    /**
     * The rules of {@code limits} (the annotations of {@code type}).
     *
     * @throws IllegalArgumentException for the first bad one: {@code @RateLimit on <class> (servlet
     *     '<name>'): <attribute> = <value>: <the check's message>}
     */
    static List<Rule> forServlet(String servletName, Class<?> type, RateLimit[] limits) {
        List<Rule> out = new ArrayList<>();
        for (RateLimit a : limits) {
            try {
                out.add(rule(servletName, type.getSimpleName(), a, limits.length > 1));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("@RateLimit on " + type.getName() + " (servlet '" + servletName + "'): "
                        + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private static Rule rule(String servletName, String simpleName, RateLimit a, boolean several) {
        String name = a.name().isEmpty() ? (several ? simpleName + "-" + a.window().replaceAll("\\s", "") : simpleName) : a.name();
        String nameAttribute = a.name().isEmpty() ? "name (not given: from the class name, \"" + name + "\")"
                : attribute("name", a.name());
        Rule.Builder b = check(nameAttribute, () -> Rule.builder(name)).servlet(servletName);
        if (a.methods().length > 0) {
            check(attribute("methods", a.methods()), () -> b.methods(a.methods()));
        }
        check(attribute("limit", a.limit()), () -> Policy.checkLimit(name, a.limit()));
        Duration window = check(attribute("window", a.window()), () -> Policy.checkWindow(name, Durations.parse(a.window())));
        b.policy(name, a.limit(), window, a.algorithm());
        if (a.key() == KeySource.HEADER) {
            check(attribute("header", a.header()), () -> b.header(a.header()));
        } else if (!a.header().isEmpty()) {
            throw new IllegalArgumentException(attribute("header", a.header()) + ": a header is the key only with key = HEADER"
                    + " (key is " + a.key() + ")");
        } else {
            b.key(a.key());
        }
        if (a.missingKey().length > 0) {
            b.missingKey(single(attribute("missingKey", a.missingKey()), a.missingKey()));
        }
        if (a.failureMode().length > 0) {
            b.failureMode(single(attribute("failureMode", a.failureMode()), a.failureMode()));
        }
        b.reportOnly(a.reportOnly());
        check(attribute("exempt", a.exempt()), () -> b.exempt(a.exempt()));
        check(attribute("exemptKeys", a.exemptKeys()), () -> b.exemptKeys(a.exemptKeys()));
        check(attribute("denyStatus", a.denyStatus()), () -> b.denyStatus(a.denyStatus()));
        if (!a.denyMessage().isEmpty()) {
            check(attribute("denyMessage", a.denyMessage()), () -> b.denyMessage(a.denyMessage()));
        }
        return b.build();
    }

    /** Runs one builder step; its refusal is prefixed with the attribute and value it came from. */
    private static <T> T check(String attribute, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(attribute + ": " + e.getMessage(), e);
        }
    }

    /** An optional attribute written as an array: at most one value. */
    private static <T> T single(String attribute, T[] values) {
        if (values.length > 1) {
            throw new IllegalArgumentException(attribute + ": give at most one value");
        }
        return values[0];
    }
}
