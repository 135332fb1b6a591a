package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

class SessionCookiesTest {
    static HttpServletRequest request(String contextPath, boolean secure) {
        HttpServletRequest r = mock(HttpServletRequest.class);
        when(r.getContextPath()).thenReturn(contextPath);
        when(r.isSecure()).thenReturn(secure);
        return r;
    }

    @Test
    void defaultsAreHttpOnlyLaxAndTheContextPath() {
        String h = SessionCookies.header(RedisSessionConfig.builder().build(), request("/shop", false), false, "abc");
        assertThat(h).isEqualTo("SESSION=abc; Path=/shop; HttpOnly; SameSite=Lax");
    }

    @Test
    void theRootContextGetsSlashAndSecureRequestsGetSecure() {
        String h = SessionCookies.header(RedisSessionConfig.builder().build(), request("", true), true, "abc");
        assertThat(h).isEqualTo("SESSION=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
    }

    @Test
    void secureCanBeForcedOrSuppressedAndSameSiteNoneImpliesSecure() {
        assertThat(SessionCookies.header(RedisSessionConfig.builder().cookieSecure(RedisSessionConfig.CookieSecure.ALWAYS).build(),
                request("/a", false), false, "v")).contains("; Secure");
        assertThat(SessionCookies.header(RedisSessionConfig.builder().cookieSecure(RedisSessionConfig.CookieSecure.NEVER).build(),
                request("/a", true), true, "v")).doesNotContain("Secure");
        assertThat(SessionCookies.header(RedisSessionConfig.builder().cookieSecure(RedisSessionConfig.CookieSecure.NEVER)
                .cookieSameSite("None").build(), request("/a", false), false, "v")).contains("; Secure").endsWith("SameSite=None");
    }

    @Test
    void expiringClearsTheValueWithMaxAgeZero() {
        String h = SessionCookies.header(RedisSessionConfig.builder().cookieName("SID").cookieDomain("example.com")
                .cookiePath("/").cookieSameSite("omit").cookieHttpOnly(false).build(), request("/a", false), false, "");
        assertThat(h).isEqualTo("SID=; Path=/; Domain=example.com; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
