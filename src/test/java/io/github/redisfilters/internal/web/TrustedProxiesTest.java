package io.github.redisfilters.internal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.redisfilters.config.CidrRange;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.config.InitParams;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared trusted-proxy setting and the scheme a trusted proxy reports. */
class TrustedProxiesTest {
    static FilterConfig filter(String contextValue) {
        FilterConfig fc = mock(FilterConfig.class);
        ServletContext ctx = mock(ServletContext.class);
        when(ctx.getInitParameter("trustedProxies")).thenReturn(contextValue);
        when(fc.getServletContext()).thenReturn(ctx);
        return fc;
    }

    static InitParams own(Map<String, String> values) throws ConfigException {
        return InitParams.of("filter 'f'", values, Set.of("trustedProxies"));
    }

    @Test
    void theContextParamIsSharedAndAFilterParamOverridesIt() throws ConfigException {
        assertThat(TrustedProxies.forFilter(filter("10.0.0.0/8, 127.0.0.1"), own(Map.of()))).hasSize(2);
        assertThat(TrustedProxies.forFilter(filter("10.0.0.0/8"), own(Map.of("trustedProxies", "::1")))).hasSize(1)
                .allMatch(r -> r.contains("::1"));
        assertThat(TrustedProxies.forFilter(filter(null), own(Map.of()))).isEmpty();
        assertThatThrownBy(() -> TrustedProxies.forFilter(filter("10.0.0.0/8, proxy.local"), own(Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("context-param")
                .hasMessageContaining("trustedProxies").hasMessageContaining("proxy.local");
    }

    static HttpServletRequest request(String peer, boolean secure, Map<String, List<String>> headers) {
        HttpServletRequest r = mock(HttpServletRequest.class);
        when(r.getRemoteAddr()).thenReturn(peer);
        when(r.isSecure()).thenReturn(secure);
        for (String name : List.of("X-Forwarded-Proto", "Forwarded")) {
            when(r.getHeaders(name)).thenReturn(Collections.enumeration(headers.getOrDefault(name, List.of())));
        }
        return r;
    }

    @Test
    void onlyATrustedPeerMayCallTheRequestHttps() {
        ClientAddressResolver trusted = new ClientAddressResolver(List.of(CidrRange.parse("10.0.0.0/8")));
        Map<String, List<String>> https = Map.of("X-Forwarded-Proto", List.of("https"));
        assertThat(trusted.isSecure(request("10.1.2.3", false, https))).isTrue();
        assertThat(trusted.isSecure(request("203.0.113.7", false, https))).as("an untrusted peer's header").isFalse();
        assertThat(new ClientAddressResolver(List.of()).isSecure(request("10.1.2.3", false, https))).as("nobody trusted").isFalse();
        assertThat(trusted.isSecure(request("203.0.113.7", true, Map.of()))).as("TLS to us directly").isTrue();
        assertThat(trusted.isSecure(request("10.1.2.3", false, Map.of("X-Forwarded-Proto", List.of("https, http"))))).isFalse();
        assertThat(trusted.isSecure(request("10.1.2.3", false, Map.of("X-Forwarded-Proto", List.of("HTTPS", "https"))))).isTrue();
        assertThat(trusted.isSecure(request("10.1.2.3", false, Map.of("Forwarded", List.of("for=1.2.3.4;proto=\"https\""))))).isTrue();
        assertThat(trusted.isSecure(request("10.1.2.3", false, Map.of("Forwarded", List.of("for=1.2.3.4, for=10.0.0.1;proto=http")))))
                .isFalse();
        assertThat(trusted.isSecure(request("10.1.2.3", false, Map.of("Forwarded", List.of("for=1.2.3.4"))))).as("no proto=")
                .isFalse();
        assertThat(trusted.isSecure(request("10.1.2.3", false, Map.of()))).isFalse();
    }
}
