package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerTokenExtractorTest {
    private static final String TOKEN = TestTokens.fresh("alice");
    private final BearerTokenExtractor plain = new BearerTokenExtractor(null, null, 8192);

    private static HttpServletRequest request(List<String> authorization, Cookie[] cookies, String query, String[] param) {
        HttpServletRequest r = mock(HttpServletRequest.class);
        when(r.getHeaders("Authorization")).thenReturn(Collections.enumeration(authorization));
        when(r.getCookies()).thenReturn(cookies);
        when(r.getQueryString()).thenReturn(query);
        when(r.getParameterValues("access_token")).thenReturn(param);
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "BeArEr   ", "Bearer\t"})
    void schemeIsCaseInsensitive(String scheme) {
        assertThat(plain.fromHeader(scheme + TOKEN)).isEqualTo(new BearerTokenExtractor.Found(TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwdw==", "Digest username=\"x\"", "Bearerish abc", ""})
    void otherSchemesAreNoToken(String header) {
        assertThat(plain.fromHeader(header)).isInstanceOf(BearerTokenExtractor.NoToken.class);
    }

    @Test
    void bearerWithoutTokenIsInvalid() {
        assertThat(plain.fromHeader("Bearer")).isEqualTo(new BearerTokenExtractor.Invalid(false, "bearer token missing"));
        assertThat(plain.fromHeader("Bearer   ")).isEqualTo(new BearerTokenExtractor.Invalid(false, "bearer token missing"));
    }

    @Test
    void exactlyOneTokenPerHeader() {
        assertThat(plain.fromHeader("Bearer " + TOKEN + " " + TOKEN)).isInstanceOf(BearerTokenExtractor.Invalid.class);
        assertThat(plain.fromHeader("Bearer " + TOKEN + "," + TOKEN)).isInstanceOf(BearerTokenExtractor.Invalid.class);
    }

    @Test
    void twoAuthorizationHeadersWithBearerAreAnInvalidRequest() {
        BearerTokenExtractor.Result r = plain.extract(request(List.of("Bearer " + TOKEN, "Bearer " + TOKEN), null, null, null));
        assertThat(r).isEqualTo(new BearerTokenExtractor.Invalid(true, "more than one Authorization header with a bearer token"));
    }

    @Test
    void tooLargeTokensAreRejectedByLength() {
        BearerTokenExtractor small = new BearerTokenExtractor(null, null, 100);
        assertThat(small.fromHeader("Bearer " + "a".repeat(101))).isEqualTo(new BearerTokenExtractor.Invalid(false, "token too large"));
        assertThat(small.fromHeader("Bearer " + "a".repeat(100_000))).isEqualTo(new BearerTokenExtractor.Invalid(false, "token too large"));
        assertThat(small.fromHeader("Basic " + "a".repeat(100_000))).isInstanceOf(BearerTokenExtractor.NoToken.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b\"c.d", "a.b%0Ac.d", "a.b;c.d", "a.b<c.d", "a.b=.c"})
    void charactersOutsideBase64UrlAreInvalid(String token) {
        assertThat(plain.fromHeader("Bearer " + token))
                .isEqualTo(new BearerTokenExtractor.Invalid(false, "token contains characters outside base64url"));
    }

    @Test
    void lineBreaksInsideTheValueNeverYieldAToken() {
        assertThat(plain.fromHeader("Bearer a.b\r\nX-Injected: 1")).isInstanceOf(BearerTokenExtractor.Invalid.class);
    }

    @Test
    void cookieIsReadOnlyWhenConfiguredAndTheHeaderWins() {
        Cookie[] cookies = {new Cookie("other", "x"), new Cookie("jwt", TOKEN)};
        assertThat(plain.extract(request(List.of(), cookies, null, null))).isInstanceOf(BearerTokenExtractor.NoToken.class);
        BearerTokenExtractor withCookie = new BearerTokenExtractor("jwt", null, 8192);
        assertThat(withCookie.extract(request(List.of(), cookies, null, null))).isEqualTo(new BearerTokenExtractor.Found(TOKEN));
        String other = TestTokens.fresh("bob");
        assertThat(withCookie.extract(request(List.of("Bearer " + other), cookies, null, null)))
                .isEqualTo(new BearerTokenExtractor.Found(other));
    }

    @Test
    void queryParameterIsIgnoredUnlessEnabled() {
        String[] param = {TOKEN};
        assertThat(plain.extract(request(List.of(), null, "access_token=" + TOKEN, param)))
                .isInstanceOf(BearerTokenExtractor.NoToken.class);
        BearerTokenExtractor withQuery = new BearerTokenExtractor(null, "access_token", 8192);
        assertThat(withQuery.extract(request(List.of(), null, "access_token=" + TOKEN, param)))
                .isEqualTo(new BearerTokenExtractor.Found(TOKEN));
        assertThat(withQuery.extract(request(List.of("Bearer " + TOKEN), null, "access_token=" + TOKEN, param)))
                .isEqualTo(new BearerTokenExtractor.Invalid(true, "more than one access token in the request"));
    }
}
