package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JwtBlacklistFilterTest {
    @Test
    void errorDescriptionsCannotBreakOutOfTheQuotedString() {
        assertThat(JwtBlacklistFilter.quotable("a\"b\\c\r\nSet-Cookie: x=1\u0000é")).isEqualTo("abcSet-Cookie: x=1");
    }
}
