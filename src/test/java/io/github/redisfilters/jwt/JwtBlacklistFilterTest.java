package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import org.junit.jupiter.api.Test;

class JwtBlacklistFilterTest {
    @Test
    void errorDescriptionsCannotBreakOutOfTheQuotedString() {
        assertThat(JwtBlacklistFilter.quotable("a\"b\\c\r\nSet-Cookie: x=1\u0000é")).isEqualTo("abcSet-Cookie: x=1");
    }

    @Test
    void blacklistLookupExplainsAMissingFilter() {
        assertThatThrownBy(() -> TokenBlacklist.from(mock(jakarta.servlet.ServletContext.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.github.redisfilters.jwt.TokenBlacklist")
                .hasMessageContaining("JwtBlacklistFilter");
    }
}
