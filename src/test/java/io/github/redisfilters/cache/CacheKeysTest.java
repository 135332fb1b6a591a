package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheKeysTest {
    final CacheKeys keys = new CacheKeys("rsf:", true, List.of("utm_*", "fbclid"));

    @Test
    void urlKeyIsAppRelativeWithSortedQueryAndWithoutIgnoredParameters() {
        assertThat(keys.urlKey("/app/api/products", "/app", "b=2&utm_source=x&a=1&fbclid=z&a=0"))
                .isEqualTo("/api/products?a=1&a=0&b=2");
        assertThat(keys.urlKey("/app", "/app", null)).isEqualTo("/");
    }

    @Test
    void everyKeyOfOneUrlSharesItsHashTagAndBracesCannotBreakIt() {
        assertThat(keys.base("/a?x={y}")).isEqualTo("rsf:cache:{/a?x=%7By%7D}");
        assertThat(keys.lock("/a")).isEqualTo("rsf:cache:{/a}#lock");
        assertThat(keys.tag("p-1")).isEqualTo("rsf:cache:tag:{p-1}");
    }

    @Test
    void scanPatternEscapesGlobCharacters() {
        assertThat(keys.scanPattern("/api/p*[x]")).isEqualTo("rsf:cache:{/api/p\\*\\[x\\]*");
    }
}
