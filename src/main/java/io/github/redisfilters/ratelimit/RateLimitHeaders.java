package io.github.redisfilters.ratelimit;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes the rate-limit response headers.
 *
 * <ul>
 *   <li>legacy: {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset}
 *       (epoch seconds, rounded up, when the policy next frees quota) from the most restrictive
 *       policy ({@link Decision#mostRestrictive()});</li>
 *   <li>draft-ietf-httpapi-ratelimit-headers-10: {@code RateLimit-Policy: "name";q=limit;w=seconds}
 *       and {@code RateLimit: "name";r=remaining;t=seconds}, one list member per policy;</li>
 *   <li>{@code Retry-After} (seconds, at least 1) on denials, equal to the driving policy's
 *       {@code t}.</li>
 * </ul>
 */
final class RateLimitHeaders {
    private final RateLimitConfig.Headers style;

    RateLimitHeaders(RateLimitConfig.Headers style) {
        this.style = style;
    }

    void write(HttpServletResponse response, Decision d, boolean denied) {
        Decision.Outcome main = d.mostRestrictive();
        if (main == null) {
            return;
        }
        if (style == RateLimitConfig.Headers.LEGACY || style == RateLimitConfig.Headers.ALL) {
            Rule rule = main.rule();
            response.setHeader("X-RateLimit-Limit", rule.limitText(main.policy()));
            response.setHeader("X-RateLimit-Remaining", Long.toString(main.remaining()));
            response.setHeader("X-RateLimit-Reset", rule.resetText(main.policy(), (main.resetAtMillis() + 999) / 1000));
        }
        if (style == RateLimitConfig.Headers.DRAFT || style == RateLimitConfig.Headers.ALL) {
            StringBuilder policy = new StringBuilder();
            StringBuilder state = new StringBuilder();
            for (Decision.Outcome o : d.outcomes()) {
                if (policy.length() > 0) {
                    policy.append(", ");
                    state.append(", ");
                }
                policy.append('"').append(o.policy().name()).append("\";q=").append(o.policy().limit())
                        .append(";w=").append(o.policy().windowSeconds());
                state.append('"').append(o.policy().name()).append("\";r=").append(o.remaining())
                        .append(";t=").append(d.secondsUntilReset(o));
            }
            response.setHeader("RateLimit-Policy", policy.toString());
            response.setHeader("RateLimit", state.toString());
        }
        if (denied) {
            response.setHeader("Retry-After", Long.toString(d.secondsUntilReset(main)));
        }
    }
}
