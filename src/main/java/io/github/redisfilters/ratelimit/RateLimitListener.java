package io.github.redisfilters.ratelimit;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Told of every rate-limit decision, e.g. to feed metrics or audit logs: register one with
 * {@link RateLimitConfig.Builder#listener(RateLimitListener)} or the {@code listener} init-param
 * (a class name with a public no-argument constructor). Called on the request's thread, after the
 * decision and before the request goes on or is denied, for every request that matched a rule;
 * it must be fast and thread-safe. An exception it throws is counted ({@code listener.errors})
 * and otherwise ignored.
 */
@FunctionalInterface
public interface RateLimitListener {
    /** One request's decision (also in the request attribute {@link RateLimitDecision#ATTRIBUTE}). */
    void onDecision(HttpServletRequest request, RateLimitDecision decision);
}
