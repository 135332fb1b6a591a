package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.github.redisfilters.config.ConfigException;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSessionConfigTest {
    static FilterConfig filterConfig(Map<String, String> params) {
        ServletContext ctx = mock(ServletContext.class);
        return new FilterConfig() {
            public String getFilterName() { return "session"; }
            public ServletContext getServletContext() { return ctx; }
            public String getInitParameter(String name) { return params.get(name); }
            public Enumeration<String> getInitParameterNames() { return Collections.enumeration(params.keySet()); }
        };
    }

    @Test
    void defaults() {
        RedisSessionConfig c = RedisSessionConfig.builder().build();
        assertThat(c.maxInactiveInterval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.cookieName()).isEqualTo("SESSION");
        assertThat(c.cookieSameSite()).isEqualTo("Lax");
        assertThat(c.cookieHttpOnly()).isTrue();
        assertThat(c.saveMode()).isEqualTo(RedisSessionConfig.SaveMode.ON_SET);
        assertThat(c.failureMode()).isEqualTo(RedisSessionConfig.FailureMode.CLOSED);
        assertThat(c.unreadableAttribute()).isEqualTo(RedisSessionConfig.UnreadableAttributePolicy.DROP_ATTRIBUTE);
        assertThat(c.toString()).contains("maxInactiveInterval=30m", "codec=jdk", "saveMode=on-set");
    }

    @Test
    void everyInitParamIsRead() throws ConfigException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("maxInactiveInterval", "2h");
        p.put("saveMode", "on-get");
        p.put("cookieName", "SID");
        p.put("cookiePath", "/");
        p.put("cookieDomain", "example.com");
        p.put("cookieSecure", "always");
        p.put("cookieSameSite", "strict");
        p.put("cookieHttpOnly", "false");
        p.put("codec", "json");
        p.put("allowedClasses", "com.acme., com.acme.other.Cart");
        p.put("unreadableAttribute", "new-session");
        p.put("failureMode", "fail-open");
        p.put("retryAfter", "10s");
        p.put("principalAttribute", "user");
        p.put("excludedPaths", "/static/*, /health");
        p.put("touchFreePaths", "/api/poll");
        p.put("keyPrefix", "demo:");
        p.put("locking", "all-methods");
        p.put("lockWait", "250ms");
        p.put("lockTimeout", "30s");
        p.put("maxLockWaiters", "64");
        p.put("maxSessionSize", "64KB");
        p.put("sessionIdHeader", "X-Auth-Token");
        p.put("trustedProxies", "10.0.0.0/8 ::1");
        RedisSessionConfig c = RedisSessionConfig.fromInitParams(filterConfig(p));
        assertThat(c.maxInactiveInterval()).isEqualTo(Duration.ofHours(2));
        assertThat(c.saveMode()).isEqualTo(RedisSessionConfig.SaveMode.ON_GET);
        assertThat(c.cookieName()).isEqualTo("SID");
        assertThat(c.cookieSecure()).isEqualTo(RedisSessionConfig.CookieSecure.ALWAYS);
        assertThat(c.cookieSameSite()).isEqualTo("Strict");
        assertThat(c.cookieHttpOnly()).isFalse();
        assertThat(c.codec()).isInstanceOf(JsonCodec.class);
        assertThat(c.allowedClasses()).containsExactly("com.acme.", "com.acme.other.Cart");
        assertThat(c.unreadableAttribute()).isEqualTo(RedisSessionConfig.UnreadableAttributePolicy.NEW_SESSION);
        assertThat(c.failureMode()).isEqualTo(RedisSessionConfig.FailureMode.OPEN);
        assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.principalAttribute()).isEqualTo("user");
        assertThat(c.excludedPaths()).hasSize(2);
        assertThat(c.touchFreePaths()).hasSize(1);
        assertThat(c.redisSettings().keyPrefix()).isEqualTo("demo:");
        assertThat(c.locking()).isEqualTo(RedisSessionConfig.Locking.ALL_METHODS);
        assertThat(c.lockWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.lockTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxLockWaiters()).isEqualTo(64);
        assertThat(c.maxSessionSize()).isEqualTo(64 * 1024);
        assertThat(c.sessionIdHeader()).isEqualTo("X-Auth-Token");
        assertThat(c.trustedProxies()).hasSize(2);
        assertThat(RedisSessionConfig.parameterNames()).containsAll(p.keySet());
    }

    @Test
    void failureModeSpeaksTheSharedVocabularyAndStillReadsTheOldSpellings() throws ConfigException {
        assertThat(RedisSessionConfig.fromInitParams(filterConfig(Map.of("failureMode", "open"))).failureMode())
                .isEqualTo(RedisSessionConfig.FailureMode.OPEN);
        assertThat(RedisSessionConfig.fromInitParams(filterConfig(Map.of("failureMode", "closed"))).failureMode())
                .isEqualTo(RedisSessionConfig.FailureMode.CLOSED);
        assertThat(RedisSessionConfig.fromInitParams(filterConfig(Map.of("failureMode", "fail-closed"))).failureMode())
                .isEqualTo(RedisSessionConfig.FailureMode.CLOSED);
        assertThatThrownBy(() -> RedisSessionConfig.fromInitParams(filterConfig(Map.of("failureMode", "sometimes"))))
                .hasMessageContaining("failureMode").hasMessageContaining("one of closed, open");
    }

    @Test
    void eachLimitIsCheckedOnceInTheSetterWithTheSameMessageFromWebXml() {
        Map<String, String> bad = Map.of("lockWait", "2m", "lockTimeout", "500ms", "maxSessionSize", "100MB",
                "maxInactiveInterval", "100000d", "retryAfter", "2d", "maxLockWaiters", "0");
        bad.forEach((name, value) -> {
            String fromCode = null;
            try {
                RedisSessionConfig.Builder b = RedisSessionConfig.builder();
                switch (name) {
                    case "lockWait" -> b.lockWait(Duration.ofMinutes(2));
                    case "lockTimeout" -> b.lockTimeout(Duration.ofMillis(500));
                    case "maxSessionSize" -> b.maxSessionSize(100L * 1024 * 1024);
                    case "maxInactiveInterval" -> b.maxInactiveInterval(Duration.ofDays(100000));
                    case "maxLockWaiters" -> b.maxLockWaiters(0);
                    default -> b.retryAfter(Duration.ofDays(2));
                }
            } catch (IllegalArgumentException e) {
                fromCode = e.getMessage();
            }
            assertThat(fromCode).as(name + " from code").isNotNull();
            String expected = fromCode;
            assertThatThrownBy(() -> RedisSessionConfig.fromInitParams(filterConfig(Map.of(name, value))))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("filter 'session'")
                    .hasMessageContaining("'" + value + "'").hasMessageEndingWith(expected);
        });
    }

    @Test
    void badValuesFailNamingFilterParameterAndForm() {
        assertThatThrownBy(() -> RedisSessionConfig.fromInitParams(filterConfig(Map.of("maxInactiveInterval", "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("filter 'session'")
                .hasMessageContaining("maxInactiveInterval").hasMessageContaining("soon");
        assertThatThrownBy(() -> RedisSessionConfig.fromInitParams(filterConfig(Map.of("saveMode", "sometimes"))))
                .hasMessageContaining("saveMode").hasMessageContaining("on-set");
        assertThatThrownBy(() -> RedisSessionConfig.fromInitParams(filterConfig(Map.of("cookieSameSite", "loose"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("filter 'session'").hasMessageContaining("cookieSameSite");
        assertThatThrownBy(() -> RedisSessionConfig.fromInitParams(filterConfig(Map.of("codec", "yaml"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("codec");
        assertThatThrownBy(() -> RedisSessionConfig.fromInitParams(filterConfig(Map.of("cookieName", "a b"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cookieName");
        assertThatThrownBy(() -> RedisSessionConfig.fromInitParams(filterConfig(Map.of("maxInactiveIntervall", "1m"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown parameter").hasMessageContaining("did you mean");
    }

    @Test
    void buildersValidateAtOnce() {
        assertThatThrownBy(() -> RedisSessionConfig.builder().maxInactiveInterval(Duration.ofSeconds(-1)))
                .hasMessageContaining("maxInactiveInterval");
        assertThatThrownBy(() -> RedisSessionConfig.builder().retryAfter(Duration.ofMillis(10)))
                .hasMessageContaining("retryAfter");
        assertThatThrownBy(() -> RedisSessionConfig.builder().cookiePath("app").build()).hasMessageContaining("cookiePath");
    }
}
