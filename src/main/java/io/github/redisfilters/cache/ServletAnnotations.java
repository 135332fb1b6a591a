package io.github.redisfilters.cache;

import io.github.redisfilters.config.Durations;
import io.github.redisfilters.config.PathPattern;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@link CacheResponse} / {@link NoCache} annotation of the servlet a request is mapped
 * to: mapping → servlet name → registration → class name, loaded through the context class
 * loader and looked at once per class.
 */
final class ServletAnnotations {
    private static final Logger LOG = LoggerFactory.getLogger(ServletAnnotations.class);

    /** The servlet's own rule; {@code NO_CACHE} for {@link NoCache}; empty when not annotated. */
    static final ResponseCacheConfig.Rule NO_CACHE = new ResponseCacheConfig.Rule(PathPattern.parse("/**"),
            CacheMode.TTL, Duration.ZERO, null, null);

    private final ServletContext context;
    private final ConcurrentMap<String, Optional<ResponseCacheConfig.Rule>> byClass = new ConcurrentHashMap<>();

    ServletAnnotations(ServletContext context) {
        this.context = context;
    }

    /**
     * Reads the annotations of every servlet registered so far, so a bad value fails the
     * filter's start instead of a request.
     *
     * @throws IllegalArgumentException naming the servlet class and the bad value
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
                LOG.error("response cache: {}; the servlet is not cached", e.getMessage());
                return Optional.of(NO_CACHE);
            }
        });
    }

    private Optional<ResponseCacheConfig.Rule> read(String className) {
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className, false, loader != null ? loader : context.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty(); // not loadable here (e.g. a container's JSP servlet): no annotation
        }
        if (type.isAnnotationPresent(NoCache.class)) {
            return Optional.of(NO_CACHE);
        }
        CacheResponse a = type.getAnnotation(CacheResponse.class);
        if (a == null) {
            return Optional.empty();
        }
        String where = "@CacheResponse on " + className;
        Duration ttl = parse(where, "ttl", a.ttl(), Duration.ofSeconds(1));
        Duration swr = a.staleWhileRevalidate().isBlank() ? null
                : parse(where, "staleWhileRevalidate", a.staleWhileRevalidate(), Duration.ZERO);
        Duration sie = a.staleIfError().isBlank() ? null : parse(where, "staleIfError", a.staleIfError(), Duration.ZERO);
        return Optional.of(new ResponseCacheConfig.Rule(PathPattern.parse("/**"), a.mode(),
                a.mode() == CacheMode.TTL ? ttl : Duration.ZERO, swr, sie));
    }

    private static Duration parse(String where, String attr, String value, Duration min) {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + attr + "=\"" + value + "\" is not "
                    + Durations.FORM.substring(2));
        }
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(where + ": " + attr + "=\"" + value + "\" must be at least "
                    + Durations.format(min));
        }
        return d;
    }
}
