package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.redisfilters.config.ConfigException;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseCacheConfigTest {
    static FilterConfig filterConfig(Map<String, String> params) {
        FilterConfig fc = mock(FilterConfig.class);
        when(fc.getFilterName()).thenReturn("cache");
        when(fc.getServletContext()).thenReturn(mock(ServletContext.class));
        when(fc.getInitParameterNames()).thenReturn(Collections.enumeration(params.keySet()));
        params.forEach((k, v) -> when(fc.getInitParameter(k)).thenReturn(v));
        return fc;
    }

    @Test
    void readsEveryParameter() throws ConfigException {
        ResponseCacheConfig c = ResponseCacheConfig.fromInitParams(filterConfig(Map.ofEntries(
                Map.entry("rules", "/api/products/** 60s; /static/* standard"),
                Map.entry("invalidations", "/api/products -> /api/products*, /home"),
                Map.entry("failureMode", "closed"), Map.entry("maxEntrySize", "64KB"),
                Map.entry("cacheStatusHeader", "none"), Map.entry("tagHeader", "Surrogate-Key"),
                Map.entry("shareAuthorized", "true"), Map.entry("sessionCookies", "SID, JSESSIONID"),
                Map.entry("generateEtag", "false"), Map.entry("coalesceMisses", "false"),
                Map.entry("lockTimeout", "3s"), Map.entry("coalesceWait", "1s"),
                Map.entry("staleWhileRevalidate", "30s"), Map.entry("staleIfError", "1h"),
                Map.entry("sortQuery", "false"), Map.entry("ignoredQueryParameters", "utm_*"),
                Map.entry("redisUrl", "redis://localhost:1"))));
        assertThat(c.rules()).hasToString("[/api/products/** 1m, /static/* standard]");
        assertThat(c.ruleFor("/api/products/7").ttl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.ruleFor("/other")).isNull();
        assertThat(c.invalidations().get(0).targets()).containsExactly("/api/products*", "/home");
        assertThat(c.failureMode()).isEqualTo(ResponseCacheConfig.FailureMode.CLOSED);
        assertThat(c.maxEntrySize()).isEqualTo(65_536);
        assertThat(c.cacheStatusHeader()).isNull();
        assertThat(c.tagHeader()).isEqualTo("Surrogate-Key");
        assertThat(c.sessionCookies()).containsExactly("SID", "JSESSIONID");
        assertThat(c.staleIfError()).isEqualTo(Duration.ofHours(1));
        assertThat(c.redisSettings().port()).isEqualTo(1);
        assertThat(c.toString()).contains("failureMode=closed", "maxEntrySize=65536");
    }

    @Test
    void defaultsAreSafe() {
        ResponseCacheConfig c = ResponseCacheConfig.builder().build();
        assertThat(c.rules()).hasToString("[/** standard]");
        assertThat(c.failureMode()).isEqualTo(ResponseCacheConfig.FailureMode.OPEN);
        assertThat(c.shareAuthorized()).isFalse();
        assertThat(c.maxEntrySize()).isEqualTo(1 << 20);
        assertThat(c.cacheStatusHeader()).isEqualTo("X-Cache");
    }

    @Test
    void badValuesFailNamingFilterParameterAndExpectation() {
        assertThatThrownBy(() -> ResponseCacheConfig.fromInitParams(filterConfig(Map.of("rules", "/api/** soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("filter 'cache'")
                .hasMessageContaining("rules").hasMessageContaining("/api/** soon");
        assertThatThrownBy(() -> ResponseCacheConfig.fromInitParams(filterConfig(Map.of("maxEntrySize", "lots"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("maxEntrySize");
        assertThatThrownBy(() -> ResponseCacheConfig.fromInitParams(filterConfig(Map.of("invalidations", "/a"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PATTERN -> TARGET");
        assertThatThrownBy(() -> ResponseCacheConfig.fromInitParams(filterConfig(Map.of("ttl", "5m"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown parameter 'ttl'");
        assertThatThrownBy(() -> ResponseCacheConfig.fromInitParams(filterConfig(
                Map.of("coalesceWait", "10s", "lockTimeout", "1s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("filter 'cache': coalesceWait");
        // durations that would overflow at request time (toNanos, TTL arithmetic) fail init instead
        for (String p : new String[] {"lockTimeout", "coalesceWait", "staleWhileRevalidate", "staleIfError"}) {
            assertThatThrownBy(() -> ResponseCacheConfig.fromInitParams(filterConfig(Map.of(p, "999999999999d"))))
                    .as(p).isInstanceOf(ConfigException.class).hasMessageContaining(p).hasMessageContaining(" to ");
        }
    }

    @Test
    void builderRejectsAtOnce() {
        assertThatThrownBy(() -> ResponseCacheConfig.builder().maxEntrySize(-1)).hasMessageContaining("maxEntrySize");
        assertThatThrownBy(() -> ResponseCacheConfig.Rule.ttl("/x", Duration.ofMillis(10))).hasMessageContaining("ttl");
        assertThatThrownBy(() -> ResponseCacheConfig.builder().cacheStatusHeader("X Cache"))
                .hasMessageContaining("cacheStatusHeader");
    }
}
