package io.github.redisfilters.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.cache.ResponseCacheConfig;
import io.github.redisfilters.jwt.JwtBlacklistConfig;
import io.github.redisfilters.ratelimit.RateLimitConfig;
import io.github.redisfilters.session.RedisSessionConfig;
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
 * filter, the parameter and the value as written.
 */
class BoundaryValuesTest {
    /**
     * One value of one parameter, both ways.
     *
     * @param webXml  how it is written as an init-param
     * @param builder the same value given to the builder (must throw IllegalArgumentException to refuse)
     */
    record Case(String filter, String parameter, String webXml, Runnable builder, WebXml reader) {
        @Override
        public String toString() {
            return filter + " " + parameter + "=" + webXml;
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
        duration(c, "cache", "staleIfError", CACHE, d -> ResponseCacheConfig.builder().staleIfError(d).build(), "0s", "366d", "367d");
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
        return c.stream();
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
