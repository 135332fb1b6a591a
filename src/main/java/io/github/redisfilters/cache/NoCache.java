package io.github.redisfilters.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Excludes the annotated servlet class from {@link ResponseCacheFilter}, whatever the path rules
 * say: its responses are neither looked up nor stored (and get no {@code X-Cache} header).
 * Unsafe requests to it still invalidate cached URLs.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface NoCache {
}
