package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwtClaimsTest {
    @Test
    void readsTheFourClaimsAndNothingElse() throws Exception {
        String t = TestTokens.token("alice", "id-1", Instant.ofEpochSecond(1_700_000_000), Instant.ofEpochSecond(1_700_000_900));
        JwtClaims c = JwtClaims.parse(t);
        assertThat(c).isEqualTo(new JwtClaims("id-1", "alice", 1_700_000_000L, 1_700_000_900L));
    }

    @Test
    void missingClaimsAreNull() throws Exception {
        JwtClaims c = JwtClaims.parse(TestTokens.raw("{\"alg\":\"RS256\"}", "{}"));
        assertThat(c).isEqualTo(new JwtClaims(null, null, null, null));
    }

    @Test
    void fractionalNumericDatesAreRoundedDown() throws Exception {
        JwtClaims c = JwtClaims.parse(TestTokens.raw("{\"alg\":\"HS256\"}", "{\"iat\":1700000000.9,\"exp\":1700000100.2}"));
        assertThat(c.issuedAt()).isEqualTo(1_700_000_000L);
        assertThat(c.expiresAt()).isEqualTo(1_700_000_100L);
    }

    static List<Arguments> corpus() {
        return MalformedTokens.headers().stream()
                .map(a -> Arguments.of(a.get()[0], ((String) a.get()[1]).replaceFirst("^Bearer ?", "")))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void malformedTokensAreRejectedWithoutEchoingThem(String label, String token) {
        assertThatThrownBy(() -> JwtClaims.parse(token))
                .isInstanceOf(MalformedTokenException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).isNotBlank();
                    if (token.length() > 3) {
                        assertThat(e.getMessage()).doesNotContain(token);
                    }
                    String[] parts = token.split("\\.");
                    for (String part : parts) {
                        if (part.length() > 3) {
                            assertThat(e.getMessage()).doesNotContain(part);
                        }
                    }
                });
    }
}
