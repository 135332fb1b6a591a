package io.github.redisfilters.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathPatternTest {
    @Test
    void exact() {
        PathPattern p = PathPattern.parse("/api/auth/login");
        assertThat(p.matches("/api/auth/login")).isTrue();
        assertThat(p.matches("/api/auth/login/x")).isFalse();
        assertThat(p.matches("/api/auth")).isFalse();
    }

    @Test
    void servletPrefixAndDoubleStarCoverThePathAndEverythingBelow() {
        for (String text : new String[] {"/api/*", "/api/**"}) {
            PathPattern p = PathPattern.parse(text);
            assertThat(p.matches("/api")).as(text).isTrue();
            assertThat(p.matches("/api/products/7")).as(text).isTrue();
            assertThat(p.matches("/apix")).as(text).isFalse();
            assertThat(p.matches("/other/api/x")).as(text).isFalse();
        }
    }

    @Test
    void singleStarStaysWithinOneSegment() {
        PathPattern p = PathPattern.parse("/api/products/*/reviews");
        assertThat(p.matches("/api/products/7/reviews")).isTrue();
        assertThat(p.matches("/api/products/7/8/reviews")).isFalse();
    }

    @Test
    void extensionAndCatchAll() {
        assertThat(PathPattern.parse("*.json").matches("/a/b.json")).isTrue();
        assertThat(PathPattern.parse("*.json").matches("/a/b.jsonx")).isFalse();
        assertThat(PathPattern.parse("/**").matches("/anything/at/all")).isTrue();
        assertThat(PathPattern.parse("/").matches("/x")).isTrue();
    }

    @Test
    void regexCharactersAreLiteral() {
        assertThat(PathPattern.parse("/a.b/(c)").matches("/a.b/(c)")).isTrue();
        assertThat(PathPattern.parse("/a.b/(c)").matches("/axb/(c)")).isFalse();
    }

    @Test
    void exactBeatsPrefixBeatsCatchAll() {
        assertThat(PathPattern.parse("/api/auth/login").specificity())
                .isGreaterThan(PathPattern.parse("/api/auth/*").specificity());
        assertThat(PathPattern.parse("/api/auth/*").specificity())
                .isGreaterThan(PathPattern.parse("/api/*").specificity());
        assertThat(PathPattern.parse("/api/*").specificity()).isGreaterThan(PathPattern.parse("/**").specificity());
    }

    @Test
    void malformedPatternsAreRejected() {
        for (String bad : new String[] {"", "api/*", "/a?b", "/a b", "/***"}) {
            assertThatThrownBy(() -> PathPattern.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
