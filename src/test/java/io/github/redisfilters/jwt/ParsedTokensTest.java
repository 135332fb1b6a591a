package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsedTokensTest {
    private final List<String> parsed = new ArrayList<>();
    private final ParsedTokens tokens = new ParsedTokens(t -> {
        parsed.add(t);
        return new ParsedTokens.Parsed(null, null, "malformed " + t);
    });

    @Test
    void aTokenSentAgainIsParsedOnce() {
        ParsedTokens.Parsed first = tokens.get("a.b.c");
        assertThat(tokens.get(new String("a.b.c"))).isSameAs(first);
        assertThat(parsed).containsExactly("a.b.c");
    }

    @Test
    void aSprayOfNewTokensNeverGrowsItPastItsBound() {
        for (int i = 0; i < 3 * ParsedTokens.MAX_ENTRIES + 7; i++) {
            tokens.get("t" + i);
            assertThat(tokens.size()).isLessThanOrEqualTo(ParsedTokens.MAX_ENTRIES);
        }
        assertThat(parsed).hasSize(3 * ParsedTokens.MAX_ENTRIES + 7);
    }

    @Test
    void longTokensAreParsedEveryTime() {
        String huge = "x".repeat(ParsedTokens.MAX_TOKEN_CHARS + 1);
        tokens.get(huge);
        tokens.get(huge);
        assertThat(parsed).hasSize(2);
        assertThat(tokens.size()).isZero();
    }
}
