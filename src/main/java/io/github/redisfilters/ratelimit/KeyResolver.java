package io.github.redisfilters.ratelimit;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A user-supplied key for rules written {@code by custom}, e.g. a tenant id. Register it with
 * {@link RateLimitConfig.Builder#keyResolver(KeyResolver)} or the {@code keyResolver} init-param
 * (a class name with a public no-argument constructor). Must be thread-safe and fast; it runs on
 * every limited request.
 */
@FunctionalInterface
public interface KeyResolver {
    /** The key of this request, or null (or blank) when it has none (then the rule's missing-key action applies). */
    String resolve(HttpServletRequest request);
}
