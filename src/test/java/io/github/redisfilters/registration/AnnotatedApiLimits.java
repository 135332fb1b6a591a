package io.github.redisfilters.registration;

import io.github.redisfilters.ratelimit.RateLimitFilter;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.annotation.WebInitParam;

/** What a user writes: a container-scanned subclass configured by annotation only. */
@WebFilter(filterName = "apiLimits", urlPatterns = "/limited/*", initParams = {
        @WebInitParam(name = "rules", value = "/** 2/1m fixed by ip"),
        @WebInitParam(name = "keyPrefix", value = "annotated:")})
public class AnnotatedApiLimits extends RateLimitFilter {
}
