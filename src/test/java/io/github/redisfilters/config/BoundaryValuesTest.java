package io.github.redisfilters.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.cache.CacheAnnotations;
import io.github.redisfilters.cache.CacheResponse;
import io.github.redisfilters.cache.ResponseCacheConfig;
import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.jwt.JwtBlacklistConfig;
import io.github.redisfilters.ratelimit.Algorithm;
import io.github.redisfilters.ratelimit.KeySource;
import io.github.redisfilters.ratelimit.RateLimit;
import io.github.redisfilters.ratelimit.RateLimitAnnotations;
import io.github.redisfilters.ratelimit.RateLimitConfig;
import io.github.redisfilters.ratelimit.Rule;
import io.github.redisfilters.session.RedisSessionConfig;
import io.github.redisfilters.testing.AnnotationInstances;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every limit is written once, in the builder setter: each parameter's values just inside and just
 * outside its range get the same verdict from web.xml (init-params, read by {@code fromInitParams})
 * as from the builder, and a refusal from web.xml carries the builder's message together with the
 * filter, the parameter and the value as written. A parameter that an annotation can also give
 * ({@code @RateLimit}, {@code @CacheResponse}) gets the same values there too: the same verdict, and
 * a refusal carrying the builder's message with the annotation, the servlet class, the attribute
 * and the value as written.
 */
class BoundaryValuesTest {
    /**
     * One value of one parameter, every way it can be given.
     *
     * @param webXml     how it is written as an init-param (for per-rule values: the whole rule)
     * @param builder    the same value given to the builder (must throw IllegalArgumentException to refuse)
     * @param annotation the same value on an annotation, or null when no annotation takes it
     */
    record Case(String filter, String parameter, String webXml, Runnable builder, WebXml reader, Annotated annotation) {
        Case(String filter, String parameter, String webXml, Runnable builder, WebXml reader) {
            this(filter, parameter, webXml, builder, reader, null);
        }

        @Override
        public String toString() {
            return filter + " " + parameter + "=" + webXml + (annotation == null ? "" : " / " + annotation);
        }
    }

    /**
     * The annotation way of a case.
     *
     * @param servlet the class the annotation is read on
     * @param written the attribute and its value as the source writes them, e.g. {@code window = "0ms"}
     * @param read    reads the annotation as the filter's start does (IllegalArgumentException to refuse)
     */
    record Annotated(String annotation, Class<?> servlet, String written, Runnable read) {
        @Override
        public String toString() {
            return "@" + annotation + "(" + written + ")";
        }
    }

    @FunctionalInterface
    interface WebXml {
        void read(FilterConfig config) throws ConfigException;
    }

    static final WebXml JWT = JwtBlacklistConfig::fromInitParams;
    static final WebXml SESSION = RedisSessionConfig::fromInitParams;
    static final WebXml RATE_LIMIT = RateLimitConfig::fromInitParams;
    static final WebXml CACHE = ResponseCacheConfig::fromInitParams;

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // JWT blacklist
        for (int size : new int[] {63, 64, 64 * 1024, 64 * 1024 + 1}) {
            c.add(new Case("jwt", "maxTokenSize", Integer.toString(size),
                    () -> JwtBlacklistConfig.builder().maxTokenSize(size).build(), JWT));
        }
        duration(c, "jwt", "clockSkew", JWT, d -> JwtBlacklistConfig.builder().clockSkew(d).build(), "0s", "60m", "3601s");
        duration(c, "jwt", "maxTokenLifetime", JWT, d -> JwtBlacklistConfig.builder().maxTokenLifetime(d).build(),
                "999ms", "1s", "366d", "367d");
        duration(c, "jwt", "retryAfter", JWT, d -> JwtBlacklistConfig.builder().retryAfter(d).build(),
                "999ms", "1s", "1d", "25h");
        // sessions
        duration(c, "session", "lockWait", SESSION, d -> RedisSessionConfig.builder().lockWait(d).build(), "0s", "60s", "61s");
        duration(c, "session", "lockTimeout", SESSION, d -> RedisSessionConfig.builder().lockTimeout(d).build(),
                "999ms", "1s", "1h", "3601s");
        duration(c, "session", "retryAfter", SESSION, d -> RedisSessionConfig.builder().retryAfter(d).build(),
                "999ms", "1s", "1d", "25h");
        duration(c, "session", "maxInactiveInterval", SESSION,
                d -> RedisSessionConfig.builder().maxInactiveInterval(d).build(), "0s", "2147483647s", "2147483648s");
        for (long size : new long[] {1023, 1024, 64L * 1024 * 1024, 64L * 1024 * 1024 + 1}) {
            c.add(new Case("session", "maxSessionSize", Long.toString(size),
                    () -> RedisSessionConfig.builder().maxSessionSize(size).build(), SESSION));
        }
        for (int n : new int[] {0, 1, 1000, 1001}) {
            c.add(new Case("session", "maxLockWaiters", Integer.toString(n),
                    () -> RedisSessionConfig.builder().maxLockWaiters(n).build(), SESSION));
        }
        // rate limit
        for (int n : new int[] {0, 1, 10_000_000, 10_000_001}) {
            c.add(new Case("rateLimit", "localMaxKeys", Integer.toString(n), () -> RateLimitConfig.builder().localMaxKeys(n).build(),
                    RATE_LIMIT));
        }
        for (int n : new int[] {0, 1, 128, 129}) {
            c.add(new Case("rateLimit", "ipv6Prefix", Integer.toString(n), () -> RateLimitConfig.builder().ipv6Prefix(n).build(),
                    RATE_LIMIT));
        }
        duration(c, "rateLimit", "retryAfter", RATE_LIMIT, d -> RateLimitConfig.builder().retryAfter(d).build(),
                "999ms", "1s", "1d", "25h");
        // response cache
        duration(c, "cache", "retryAfter", CACHE, d -> ResponseCacheConfig.builder().retryAfter(d).build(), "999ms", "1s", "1d", "25h");
        duration(c, "cache", "lockTimeout", CACHE, d -> ResponseCacheConfig.builder().lockTimeout(d).build(), "99ms", "100ms", "1h", "3601s");
        duration(c, "cache", "coalesceWait", CACHE, d -> ResponseCacheConfig.builder().coalesceWait(d).build(), "0s", "1h", "3601s");
        duration(c, "cache", "hitForPass", CACHE, d -> ResponseCacheConfig.builder().hitForPass(d).build(), "0s", "1h", "3601s");
        duration(c, "cache", "grace", CACHE, d -> ResponseCacheConfig.builder().grace(d).build(), "0s", "366d", "367d");
        for (long n : new long[] {0, Integer.MAX_VALUE - 64, Integer.MAX_VALUE - 63}) {
            c.add(new Case("cache", "maxEntrySize", Long.toString(n), () -> ResponseCacheConfig.builder().maxEntrySize(n).build(),
                    CACHE));
        }
        // the shared Redis settings, as init-params of any filter (here the JWT filter)
        for (int n : new int[] {-1, 0, 1_000_000, 1_000_001}) {
            c.add(new Case("jwt", "redisDatabase", Integer.toString(n), () -> redis().database(n).build(), JWT));
        }
        for (int n : new int[] {0, 1, 10_000, 10_001}) {
            c.add(new Case("jwt", "redisPoolSize", Integer.toString(n), () -> redis().poolSize(n).build(), JWT));
        }
        for (int n : new int[] {0, 1, 1000, 1001}) {
            c.add(new Case("jwt", "redisFailureThreshold", Integer.toString(n), () -> redis().failureThreshold(n).build(), JWT));
        }
        duration(c, "jwt", "redisPoolMaxWait", JWT, d -> redis().poolMaxWait(d).build(), "0s", "1h", "3601s");
        duration(c, "jwt", "redisConnectTimeout", JWT, d -> redis().connectTimeout(d).build(), "0ms", "1ms", "1h", "3601s");
        duration(c, "jwt", "redisSocketTimeout", JWT, d -> redis().socketTimeout(d).build(), "0ms", "1ms", "1h", "3601s");
        duration(c, "jwt", "redisRetryInterval", JWT, d -> redis().retryInterval(d).build(), "9ms", "10ms", "1h", "3601s");
        rateLimitRules(c);
        cacheAnnotated(c);
        return c.stream();
    }

    /** Cases an annotation can give too. */
    static Stream<Case> annotated() {
        return cases().filter(c -> c.annotation() != null);
    }

    /**
     * Per-rule values of the rate limiter: the {@code rules} init-param (compact syntax), the rule
     * builder, and {@code @RateLimit} (named "r", as the rule, so that messages name the same rule).
     */
    static void rateLimitRules(List<Case> c) {
        for (long n : new long[] {0, 1, 1_000_000_000, 1_000_000_001}) {
            rule(c, "r: /x " + n + "/1m", r -> r.policy(n, Duration.ofMinutes(1), Algorithm.SLIDING_LOG),
                    Map.of("limit", n, "window", "1m"), "limit = " + n);
        }
        for (String w : new String[] {"0ms", "1ms", "366d", "367d"}) {
            Duration d = Durations.parse(w);
            rule(c, "r: /x 1/" + w, r -> r.policy(1, d, Algorithm.SLIDING_LOG),
                    Map.of("limit", 1, "window", w), "window = \"" + w + "\"");
        }
        for (int status : new int[] {399, 400, 599, 600}) {
            rule(c, "r: /x 1/1m deny " + status, r -> r.policy(1, Duration.ofMinutes(1), Algorithm.SLIDING_LOG).denyStatus(status),
                    Map.of("limit", 1, "window", "1m", "denyStatus", status), "denyStatus = " + status);
        }
        for (int length : new int[] {300, 301}) {
            String m = "m".repeat(length);
            rule(c, "r: /x 1/1m deny 429 \"" + m + "\"", r -> r.policy(1, Duration.ofMinutes(1), Algorithm.SLIDING_LOG).denyMessage(m),
                    Map.of("limit", 1, "window", "1m", "denyMessage", m), "denyMessage = \"" + m + "\"");
        }
        for (int length : new int[] {256, 257}) {
            String k = "k".repeat(length);
            rule(c, "r: /x 1/1m by principal exempt-keys " + k,
                    r -> r.policy(1, Duration.ofMinutes(1), Algorithm.SLIDING_LOG).key(KeySource.PRINCIPAL).exemptKeys(k),
                    Map.of("limit", 1, "window", "1m", "key", KeySource.PRINCIPAL, "exemptKeys", new String[] {k}),
                    "exemptKeys = {\"" + k + "\"}");
        }
        for (int length : new int[] {100, 101}) {
            String h = "H".repeat(length);
            rule(c, "r: /x 1/1m by header:" + h, r -> r.policy(1, Duration.ofMinutes(1), Algorithm.SLIDING_LOG).header(h),
                    Map.of("limit", 1, "window", "1m", "key", KeySource.HEADER, "header", h), "header = \"" + h + "\"");
        }
        for (int length : new int[] {20, 21}) {
            String m = "M".repeat(length);
            rule(c, "r: " + m + " /x 1/1m", r -> r.methods(m).policy(1, Duration.ofMinutes(1), Algorithm.SLIDING_LOG),
                    Map.of("limit", 1, "window", "1m", "methods", new String[] {m}), "methods = {\"" + m + "\"}");
        }
        for (int length : new int[] {64, 65}) { // the rule's name, given in place of "r"
            String n = "n".repeat(length);
            Map<String, Object> values = Map.of("name", n, "limit", 1L, "window", "1m");
            c.add(new Case("rateLimit", "rules", n + ": /x 1/1m",
                    () -> rateLimit(Rule.builder(n).path("/x").policy(1, Duration.ofMinutes(1), Algorithm.SLIDING_LOG)),
                    RATE_LIMIT, rateLimitAnnotation(values, "name = \"" + n + "\"")));
        }
    }

    interface RuleSteps {
        Rule.Builder apply(Rule.Builder b);
    }

    /** A rule "r" on /x: as written in {@code rules}, through the builder, and as {@code @RateLimit(name = "r", …)}. */
    static void rule(List<Case> c, String compact, RuleSteps steps, Map<String, Object> attributes, String written) {
        Map<String, Object> values = new java.util.HashMap<>(attributes);
        values.put("name", "r");
        c.add(new Case("rateLimit", "rules", compact, () -> rateLimit(steps.apply(Rule.builder("r").path("/x"))), RATE_LIMIT,
                rateLimitAnnotation(values, written)));
    }

    static void rateLimit(Rule.Builder rule) {
        RateLimitConfig.builder().rule(rule.build()).build();
    }

    static Annotated rateLimitAnnotation(Map<String, Object> values, String written) {
        RateLimit a = AnnotationInstances.of(RateLimit.class, values);
        return new Annotated("RateLimit", RateLimitAnnotations.SERVLET, written, () -> RateLimitAnnotations.read(a));
    }

    /** The response cache's values that {@code @CacheResponse} can give: a rule's ttl and the stale allowances. */
    static void cacheAnnotated(List<Case> c) {
        for (String v : new String[] {"999ms", "1s", "366d", "367d"}) {
            Duration d = Durations.parse(v);
            c.add(new Case("cache", "rules", "/x " + v,
                    () -> ResponseCacheConfig.builder().rules(ResponseCacheConfig.Rule.ttl("/x", d)).build(), CACHE,
                    cacheAnnotation("ttl", v)));
        }
        for (String v : new String[] {"PT-1S", "0s", "366d", "367d"}) {
            Duration d = Durations.parse(v);
            c.add(new Case("cache", "staleWhileRevalidate", v, () -> ResponseCacheConfig.builder().staleWhileRevalidate(d).build(),
                    CACHE, cacheAnnotation("staleWhileRevalidate", v)));
            c.add(new Case("cache", "staleIfError", v, () -> ResponseCacheConfig.builder().staleIfError(d).build(),
                    CACHE, cacheAnnotation("staleIfError", v)));
        }
    }

    static Annotated cacheAnnotation(String attribute, String value) {
        CacheResponse a = AnnotationInstances.of(CacheResponse.class, Map.of(attribute, value));
        return new Annotated("CacheResponse", CacheAnnotations.SERVLET, attribute + " = \"" + value + "\"",
                () -> CacheAnnotations.read(a));
    }

    static RedisSettings.Builder redis() {
        return RedisSettings.builder().url("redis://127.0.0.1:6379");
    }

    interface DurationCall {
        void call(Duration d);
    }

    static void duration(List<Case> c, String filter, String parameter, WebXml reader, DurationCall call, String... values) {
        for (String v : values) {
            Duration d = Durations.parse(v);
            c.add(new Case(filter, parameter, v, () -> call.call(d), reader));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void webXmlAndBuilderGiveTheSameVerdictAndMessage(Case c) {
        String fromBuilder = null;
        try {
            c.builder().run();
        } catch (IllegalArgumentException e) {
            fromBuilder = e.getMessage();
        }
        String fromWebXml = null;
        try {
            Map<String, String> params = c.parameter().startsWith("redis") && !c.parameter().equals("redisUrl")
                    ? Map.of("redisUrl", "redis://127.0.0.1:6379", c.parameter(), c.webXml())
                    : Map.of(c.parameter(), c.webXml());
            c.reader().read(filterConfig(c.filter(), params));
        } catch (ConfigException e) {
            fromWebXml = e.getMessage();
        }
        if (fromBuilder == null) {
            assertThat(fromWebXml).as("accepted by the builder, so by web.xml").isNull();
        } else {
            assertThat(fromWebXml).as("refused by the builder (%s), so by web.xml", fromBuilder)
                    .isNotNull()
                    .contains(fromBuilder)
                    .contains("'" + c.filter() + "'")
                    .contains(c.parameter())
                    .contains(c.webXml());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("annotated")
    void annotationGivesTheBuilderVerdictAndMessage(Case c) {
        String fromBuilder = refusal(c.builder());
        String fromAnnotation = refusal(c.annotation().read());
        if (fromBuilder == null) {
            assertThat(fromAnnotation).as("accepted by the builder, so on @%s", c.annotation().annotation()).isNull();
        } else {
            assertThat(fromAnnotation).as("refused by the builder (%s), so on @%s", fromBuilder, c.annotation().annotation())
                    .isNotNull()
                    .contains(fromBuilder)
                    .contains("@" + c.annotation().annotation() + " on " + c.annotation().servlet().getName())
                    .contains(c.annotation().written());
        }
    }

    /** The message of the IllegalArgumentException {@code r} throws, or null when it does not. */
    static String refusal(Runnable r) {
        try {
            r.run();
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static FilterConfig filterConfig(String name, Map<String, String> params) {
        FilterConfig fc = mock(FilterConfig.class);
        when(fc.getFilterName()).thenReturn(name);
        when(fc.getInitParameterNames()).thenReturn(Collections.enumeration(params.keySet()));
        params.forEach((k, v) -> when(fc.getInitParameter(k)).thenReturn(v));
        ServletContext context = mock(ServletContext.class);
        when(context.getInitParameterNames()).thenReturn(Collections.emptyEnumeration());
        when(fc.getServletContext()).thenReturn(context);
        return fc;
    }
}
