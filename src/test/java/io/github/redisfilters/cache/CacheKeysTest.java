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
    void oneSpellingPerResource() {
        for (String spelling : List.of("/api/products", "/api/./products", "/api/x/../products", "/%61pi/products",
                "/api//products", "/api/products/", "/api/%70roducts", "/api/./x/./../products")) {
            assertThat(keys.urlKey("/app" + spelling, "/app", null)).as(spelling).isEqualTo("/api/products");
        }
        assertThat(keys.urlKey("/a%2fb/%c3%a9", "", null)).as("escaped slash kept, hex upper-cased").isEqualTo("/a%2Fb/%C3%A9");
        assertThat(keys.urlKey("/caf\u00e9 x", "", null)).as("raw characters escaped as UTF-8").isEqualTo("/caf%C3%A9%20x");
        assertThat(keys.urlKey("/../../etc", "", null)).as("dot segments never climb above the root").isEqualTo("/etc");
        assertThat(keys.urlKey("/a", "", "q=%7e%41&x=%2f&%62=1")).isEqualTo("/a?b=1&q=~A&x=%2F");
        assertThat(keys.urlKey("/a", "", "q=%zz%")).as("a stray percent is escaped").isEqualTo("/a?q=%25zz%25");
    }

    @Test
    void aPathAlreadyCanonicalIsTakenAsItIsAndAnyOtherIsRebuilt() {
        java.util.Random random = new java.util.Random(17);
        String alphabet = "/./a%2Fe;~-_!$&'()*+,=:@?#\u00e9 ";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder p = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                p.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(CacheKeys.canonicalPath(p.toString())).as(p.toString()).isEqualTo(CacheKeys.rebuild(p.toString()));
        }
        for (String p : List.of("/", "/a", "/api/products/42", "/a.b/..c/.d", "/x~y/-_/!$&'()*+,=:@")) {
            assertThat(CacheKeys.canonicalPath(p)).isSameAs(p);
        }
    }

    @Test
    void canonicalPathIsIdempotent() {
        for (String p : List.of("/a/./b/../c", "/%7e/%41%2f", "//x//y/", "/caf\u00e9", "/%25", "/a%")) {
            String once = CacheKeys.canonicalPath(p);
            assertThat(CacheKeys.canonicalPath(once)).as(p).isEqualTo(once);
        }
    }

    @Test
    void pathParametersAreSeen() {
        assertThat(CacheKeys.hasPathParameters("/a;jsessionid=1/b")).isTrue();
        assertThat(CacheKeys.hasPathParameters("/a%3Bb")).isFalse();
    }

    @Test
    void prefixGenerationsAreWholeSegmentsUnderTheFirstSegmentsHashTag() {
        assertThat(keys.generations("/api/products/42?x=1")).containsExactly("rsf:cache:gen:{/api}",
                "rsf:cache:gen:{/api}/products", "rsf:cache:gen:{/api}/products/42");
        assertThat(keys.generations("/")).containsExactly("rsf:cache:gen:{/}");
        assertThat(keys.generationOfPrefix("/api/products*")).isEqualTo("rsf:cache:gen:{/api}/products");
        assertThat(keys.generationOfPrefix("/api/products/")).isEqualTo("rsf:cache:gen:{/api}/products");
        assertThat(keys.generationOfPrefix("/api/./products")).isEqualTo("rsf:cache:gen:{/api}/products");
        assertThat(keys.generations("/1/2/3/4/5/6/7/8/9/10")).hasSize(CacheKeys.MAX_DEPTH);
        assertThat(keys.generationOfPrefix("/1/2/3/4/5/6/7/8/9/10")).as("deeper purges mark the deepest generation")
                .isEqualTo(keys.generations("/1/2/3/4/5/6/7/8/9/10").get(CacheKeys.MAX_DEPTH - 1));
    }
}
