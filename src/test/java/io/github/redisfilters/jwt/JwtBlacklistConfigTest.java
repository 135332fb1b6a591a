package io.github.redisfilters.jwt;

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

class JwtBlacklistConfigTest {
    static FilterConfig filterConfig(Map<String, String> params) {
        FilterConfig fc = mock(FilterConfig.class);
        when(fc.getFilterName()).thenReturn("jwt");
        when(fc.getInitParameterNames()).thenReturn(Collections.enumeration(params.keySet()));
        params.forEach((k, v) -> when(fc.getInitParameter(k)).thenReturn(v));
        when(fc.getServletContext()).thenReturn(mock(ServletContext.class));
        return fc;
    }

    @Test
    void defaults() {
        JwtBlacklistConfig c = JwtBlacklistConfig.defaults();
        assertThat(c.required()).isFalse();
        assertThat(c.cookieName()).isNull();
        assertThat(c.queryParameter()).isNull();
        assertThat(c.maxTokenSize()).isEqualTo(8192);
        assertThat(c.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.maxTokenLifetime()).isEqualTo(Duration.ofDays(1));
        assertThat(c.failureMode()).isEqualTo(JwtBlacklistConfig.FailureMode.CLOSED);
        assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.verifier()).isNull();
        assertThat(c.redisSettings()).isNull();
        assertThat(c.toString()).contains("failureMode=closed", "signatures not verified");
    }

    @Test
    void readsEveryInitParam() throws Exception {
        JwtBlacklistConfig c = JwtBlacklistConfig.fromInitParams(filterConfig(Map.of(
                "required", "true", "cookieName", "jwt", "queryParameter", "access_token", "maxTokenSize", "4KB",
                "clockSkew", "30s", "maxTokenLifetime", "2h", "failureMode", "open-safe-methods", "retryAfter", "10s",
                "realm", "shop", "verifierClass", TestTokens.Hs256Verifier.class.getName())));
        assertThat(c.required()).isTrue();
        assertThat(c.cookieName()).isEqualTo("jwt");
        assertThat(c.queryParameter()).isEqualTo("access_token");
        assertThat(c.maxTokenSize()).isEqualTo(4096);
        assertThat(c.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxTokenLifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(c.failureMode()).isEqualTo(JwtBlacklistConfig.FailureMode.OPEN_SAFE_METHODS);
        assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.realm()).isEqualTo("shop");
        assertThat(c.verifier()).isInstanceOf(TestTokens.Hs256Verifier.class);
    }

    @Test
    void unknownParameterFailsNamingFilterAndSuggestion() {
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("failuremode", "open"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("filter 'jwt'").hasMessageContaining("unknown parameter 'failuremode'")
                .hasMessageContaining("did you mean 'failureMode'");
    }

    @Test
    void badValuesFailNamingParameterValueAndExpectedForm() {
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("failureMode", "sometimes"))))
                .hasMessageStartingWith("filter 'jwt': parameter 'failureMode' has invalid value 'sometimes': expected one of closed, open-safe-methods, open");
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("clockSkew", "soon"))))
                .hasMessageContaining("parameter 'clockSkew' has invalid value 'soon'");
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("maxTokenSize", "1MB"))))
                .hasMessageContaining("parameter 'maxTokenSize' has invalid value '1MB'");
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("required", "yes"))))
                .hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("verifierClass", "no.such.Verifier"))))
                .hasMessageContaining("parameter 'verifierClass' has invalid value 'no.such.Verifier'").hasMessageContaining("class not found");
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("verifierClass", "java.lang.String"))))
                .hasMessageContaining("does not implement TokenVerifier");
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("clockSkew", "2h"))))
                .hasMessage("filter 'jwt': parameter 'clockSkew' has invalid value '2h': clockSkew must be from 0s to 1h but was 2h");
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("realm", "a\"b"))))
                .hasMessageContaining("filter 'jwt'").hasMessageContaining("realm must be printable ASCII");
        assertThatThrownBy(() -> JwtBlacklistConfig.fromInitParams(filterConfig(Map.of("cookieName", "a b"))))
                .hasMessageContaining("cookieName must be a non-empty token");
    }

    @Test
    void builderValidatesAtOnce() {
        assertThatThrownBy(() -> JwtBlacklistConfig.builder().maxTokenSize(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTokenSize");
        assertThatThrownBy(() -> JwtBlacklistConfig.builder().maxTokenLifetime(Duration.ZERO))
                .hasMessageContaining("maxTokenLifetime");
        assertThatThrownBy(() -> JwtBlacklistConfig.builder().retryAfter(Duration.ofMillis(10)))
                .hasMessageContaining("retryAfter");
    }
}
