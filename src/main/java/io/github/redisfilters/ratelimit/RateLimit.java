package io.github.redisfilters.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A rate limit on every request dispatched to the annotated servlet, on top of the filter's
 * path rules. Repeatable: a burst and a sustained policy on one servlet are checked together in
 * one round trip. The {@link RateLimitFilter} must be mapped to the servlet's URLs; annotations
 * are read when the filter starts, so a bad annotation fails the filter's {@code init()} with an
 * error naming the class, the attribute, its value and the allowed values (the same checks as
 * compact rules and {@link Rule.Builder}). A servlet registered after the filter started (an
 * embedded container adding one later) is not limited by its annotations: its first request
 * logs one ERROR saying so.
 * <pre>{@code
 * @RateLimit(limit = 10, window = "1s", name = "orders-burst")
 * @RateLimit(limit = 500, window = "1h", name = "orders-hourly")
 * public class OrderServlet extends HttpServlet { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(RateLimit.List.class)
public @interface RateLimit {
    /** Requests per window, 1 to 1,000,000,000. */
    long limit();

    /** Window length, 1ms to 366d: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d} or ISO-8601. */
    String window();

    /** Counting algorithm; default {@link Algorithm#SLIDING_LOG}. */
    Algorithm algorithm() default Algorithm.SLIDING_LOG;

    /** Policy name (headers, 429 body, metrics); default: the servlet's simple class name, suffixed with the window when several. */
    String name() default "";

    /** HTTP methods the limit applies to; default all. */
    String[] methods() default {};

    /** Key; {@link KeySource#HEADER} needs {@link #header()}. Default {@link KeySource#IP}. */
    KeySource key() default KeySource.IP;

    /** Header name when {@code key = HEADER} (and only then). */
    String header() default "";

    /** Missing-key action (at most one); default: the filter's {@code missingKey}. */
    MissingKey[] missingKey() default {};

    /**
     * What happens while Redis is unavailable: {@code OPEN}, {@code CLOSED} (503 +
     * {@code Retry-After}) or {@code LOCAL} (an in-memory limit per server), at most one; default:
     * the filter's {@code failureMode}.
     */
    RateLimitConfig.FailureMode[] failureMode() default {};

    /** Report-only (dry run): decided, counted and reported, never denied. Default false. */
    boolean reportOnly() default false;

    /** Client addresses or CIDR ranges never limited (after trusted-proxy resolution). Default none. */
    String[] exempt() default {};

    /** Values of the key (API keys, user names, custom keys) never limited. Default none. */
    String[] exemptKeys() default {};

    /** Status of a denial, 400-599. Default 429. */
    int denyStatus() default Rule.DEFAULT_DENY_STATUS;

    /** Detail text of a denial; default (empty) "rate limit exceeded: " and the policy. */
    String denyMessage() default "";

    /** Container of repeated {@link RateLimit}s (written by the compiler). */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        RateLimit[] value();
    }
}
