package io.github.redisfilters.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the {@code GET} responses of the annotated servlet class, overriding the path rules of
 * {@link ResponseCacheFilter} for every request mapped to that servlet. Values are checked when
 * the filter starts (for servlets registered by then); a bad value fails the filter's
 * {@code init()}.
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
    /** Time to live in {@link CacheMode#TTL} mode, e.g. {@code 30s}, {@code 5m}; ignored in standard mode. Default {@code 5m}. */
    String ttl() default "5m";

    /** {@link CacheMode#TTL} (default) or {@link CacheMode#STANDARD}. */
    CacheMode mode() default CacheMode.TTL;

    /** Stale-while-revalidate grace in TTL mode; empty = the filter's {@code staleWhileRevalidate}. */
    String staleWhileRevalidate() default "";

    /** Stale-if-error grace in TTL mode; empty = the filter's {@code staleIfError}. */
    String staleIfError() default "";
}
