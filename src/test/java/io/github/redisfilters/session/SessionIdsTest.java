package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionIdsTest {
    @Test
    void idsAre256BitUrlSafeAndUnique() {
        SessionIds ids = new SessionIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next();
            assertThat(id).matches("[A-Za-z0-9_-]{43}");
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(32);
            assertThat(SessionIds.wellFormed(id)).isTrue();
            assertThat(seen.add(id)).isTrue();
        }
    }

    @Test
    void malformedValuesAreRecognised() {
        for (String bad : new String[] {null, "", "abc", "x".repeat(44), "A".repeat(42) + "=", "A".repeat(42) + "/", "A".repeat(42) + "+"}) {
            assertThat(SessionIds.wellFormed(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void abbreviationNeverShowsTheWholeId() {
        String id = new SessionIds().next();
        assertThat(SessionIds.abbreviate(id)).hasSize(7).startsWith(id.substring(0, 6));
    }
}
