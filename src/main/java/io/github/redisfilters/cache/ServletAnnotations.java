package io.github.redisfilters.cache;

import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.internal.web.AnnotatedServlets;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@link CacheResponse} / {@link NoCache} annotation of the servlet a request is mapped
 * to: mapping → servlet name → registration → class name, loaded through the context class
 * loader and looked at once per class. Annotation values go through the checks of path rules and
 * the builder; a refusal names the class, the attribute and its value as written. Servlets
 * registered by the filter's start are read then (a bad annotation fails the start); one added
 * later is read on its first request, and a bad annotation there is logged once at ERROR and the
 * servlet is not cached.
 */
final class ServletAnnotations {
    private static final Logger LOG = LoggerFactory.getLogger(ServletAnnotations.class);

    /** The servlet's own rule; {@code NO_CACHE} for {@link NoCache}; empty when not annotated. */
    static final ResponseCacheConfig.Rule NO_CACHE = ResponseCacheConfig.Rule.excluded();

    private final ServletContext context;
    private final String component;
    private final ConcurrentMap<String, Optional<ResponseCacheConfig.Rule>> byClass = new ConcurrentHashMap<>();

    /** @param component the filter, as errors name it ({@code filter 'cache'}) */
    ServletAnnotations(ServletContext context, String component) {
        this.context = context;
        this.component = component;
    }

    /**
     * Reads the annotations of every servlet registered so far, so a bad value fails the
     * filter's start instead of a request.
     *
     * @throws IllegalArgumentException naming the servlet class, the attribute and the bad value
     */
    void preload() {
        for (ServletRegistration reg : context.getServletRegistrations().values()) {
            String cls = reg.getClassName();
            if (cls != null) {
                byClass.computeIfAbsent(cls, this::read);
            }
        }
    }

    Optional<ResponseCacheConfig.Rule> ruleFor(HttpServletRequest request) {
        HttpServletMapping mapping = request.getHttpServletMapping();
        if (mapping == null || mapping.getServletName() == null) {
            return Optional.empty();
        }
        ServletRegistration reg = context.getServletRegistration(mapping.getServletName());
        String cls = reg == null ? null : reg.getClassName();
        if (cls == null) {
            return Optional.empty();
        }
        return byClass.computeIfAbsent(cls, c -> {
            try {
                return read(c);
            } catch (IllegalArgumentException e) {
                // a servlet registered after the filter started: never cache it rather than guess
                LOG.error("{}: {}; the servlet is not cached: {}", component, e.getMessage(), AnnotatedServlets.LATE);
                return Optional.of(NO_CACHE);
            }
        });
    }

    private Optional<ResponseCacheConfig.Rule> read(String className) {
        Class<?> type = AnnotatedServlets.load(className, context);
        if (type == null) {
            return Optional.empty(); // not loadable here (e.g. a container's JSP servlet): no annotation
        }
        return rule(type.getName(), type.getAnnotation(CacheResponse.class), type.isAnnotationPresent(NoCache.class));
    }

    /**
     * The rule of a servlet class carrying these annotations (either may be absent).
     *
     * @throws IllegalArgumentException {@code @CacheResponse on <class>: <attribute> = "<value>": <why>}
     */
    static Optional<ResponseCacheConfig.Rule> rule(String className, CacheResponse a, boolean noCache) {
        if (a == null) {
            return noCache ? Optional.of(NO_CACHE) : Optional.empty();
        }
        String where = "@CacheResponse on " + className + ": ";
        if (noCache) {
            throw new IllegalArgumentException(where + "the class is also annotated @NoCache; keep one of the two");
        }
        Duration ttl = duration(where, "ttl", a.ttl(), ResponseCacheConfig.Rule::checkTtl);
        Duration swr = a.staleWhileRevalidate().isBlank() ? null : duration(where, "staleWhileRevalidate",
                a.staleWhileRevalidate(), d -> ResponseCacheConfig.checkStale("staleWhileRevalidate", d));
        Duration sie = a.staleIfError().isBlank() ? null : duration(where, "staleIfError", a.staleIfError(),
                d -> ResponseCacheConfig.checkStale("staleIfError", d));
        return Optional.of(ResponseCacheConfig.Rule.forServlet(a.mode(), ttl, swr, sie));
    }

    /** Parses one attribute and runs the check path rules and the builder run on it. */
    private static Duration duration(String where, String attr, String value, UnaryOperator<Duration> check) {
        String named = where + AnnotatedServlets.attribute(attr, value) + ": ";
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(named + "expected " + Durations.FORM);
        }
        try {
            return check.apply(d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(named + e.getMessage(), e);
        }
    }
}
