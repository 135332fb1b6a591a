package io.github.redisfilters.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the {@code GET} responses of the annotated servlet class, overriding the path rules of
 * {@link ResponseCacheFilter} for every request mapped to that servlet. Values have the ranges
 * of the filter's path rules and init-params and are checked when the filter starts, for servlets
 * registered by then: a bad value fails the filter's {@code init()} with an error naming the
 * class, the attribute and the value (so does {@code @NoCache} on the same class). A servlet
 * registered after the filter started is read on its first request; a bad value there is logged
 * once at ERROR and the servlet is not cached.
 *
 * <pre>{@code
 * @CacheResponse(ttl = "5m")
 * public class ProductsServlet extends HttpServlet { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface CacheResponse {
    /** Time to live in {@link CacheMode#TTL} mode, 1s to 366d, e.g. {@code 30s}, {@code 5m}; ignored in standard mode. Default {@code 5m}. */
    String ttl() default "5m";

    /** {@link CacheMode#TTL} (default) or {@link CacheMode#STANDARD}. */
    CacheMode mode() default CacheMode.TTL;

    /** Stale-while-revalidate grace in TTL mode, 0s to 366d; empty = the filter's {@code staleWhileRevalidate}. */
    String staleWhileRevalidate() default "";

    /** Stale-if-error grace in TTL mode, 0s to 366d; empty = the filter's {@code staleIfError}. */
    String staleIfError() default "";
}
