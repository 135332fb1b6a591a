package io.github.redisfilters.internal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestCookiesTest {
    private static List<String> pairs(String... headers) {
        HttpServletRequest r = mock(HttpServletRequest.class);
        when(r.getHeaders("Cookie")).thenReturn(Collections.enumeration(List.of(headers)));
        List<String> out = new ArrayList<>();
        RequestCookies.forEach(r, (n, v) -> out.add(n + "=" + v));
        return out;
    }

    @Test
    void pairsAreReadAsBrowsersSendThem() {
        assertThat(pairs("a=1; SESSION=abc;b=2")).containsExactly("a=1", "SESSION=abc", "b=2");
        assertThat(pairs("  SESSION = \"quoted\" ;  x=")).containsExactly("SESSION=quoted", "x=");
        assertThat(pairs("noequals; =novalue; ok=1;;")).containsExactly("ok=1");
        assertThat(pairs("a=1", "b=2; c=x=y")).as("several Cookie headers (HTTP/2), '=' inside a value")
                .containsExactly("a=1", "b=2", "c=x=y");
        assertThat(pairs("q=\"")).as("a lone quote is kept as sent").containsExactly("q=\"");
        assertThat(pairs()).isEmpty();
    }

    @Test
    void aVisitorStopsTheWalk() {
        HttpServletRequest r = mock(HttpServletRequest.class);
        when(r.getHeaders("Cookie")).thenReturn(Collections.enumeration(List.of("a=1; SESSION=2; b=3")));
        assertThat(RequestCookies.has(r, Set.of("SESSION", "JSESSIONID"))).isTrue();
        when(r.getHeaders("Cookie")).thenReturn(Collections.enumeration(List.of("a=1; session=2")));
        assertThat(RequestCookies.has(r, Set.of("SESSION"))).as("names are case-sensitive").isFalse();
        when(r.getHeaders("Cookie")).thenReturn(null);
        assertThat(RequestCookies.has(r, Set.of("SESSION"))).isFalse();
    }
}
