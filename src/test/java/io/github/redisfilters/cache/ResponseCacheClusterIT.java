package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.ServletContainer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** On Redis Cluster: lookups and stores stay in one slot per URL; purges reach every master without scanning. */
class ResponseCacheClusterIT {
    @Test
    void variantsTagsAndPrefixPurgesWorkAcrossMasters() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false);
             ServletContainer app = ContainerKind.JETTY.start(ctx -> {
                 ctx.setInitParameter("redisClusterNodes", cluster.seedsParam());
                 CacheTestApp.install(ctx, ResponseCacheConfig.builder()
                         .rules(ResponseCacheConfig.Rule.ttl("/ttl/**", Duration.ofSeconds(60))).build());
             })) {
            CacheTestApp.reset();
            CacheTestApp.origin = (req, resp, n) -> {
                resp.setHeader("Vary", "Accept");
                resp.setHeader("Cache-Tag", "all");
                resp.getWriter().print("c" + n);
            };
            int urls = 30; // enough to land on all three masters
            for (int i = 0; i < urls; i++) {
                Http.get(app.uri("/ttl/items/" + i), "Accept", "text/plain");
            }
            for (int i = 0; i < urls; i++) {
                assertThat(Http.get(app.uri("/ttl/items/" + i), "Accept", "text/plain").headers()
                        .firstValue("X-Cache")).as("item " + i).hasValue("HIT");
            }
            assertThat(cluster.masters()).allSatisfy(m -> {
                try (var j = m.admin()) {
                    assertThat(j.dbSize()).as("keys on master " + m.port()).isPositive();
                }
            });
            ResponseCache cache = ResponseCache.from(app.servletContext());
            assertThat(cache.purgePrefix("/ttl/items/1")).as("one generation advanced").isEqualTo(1);
            assertThat(Http.get(app.uri("/ttl/items/1"), "Accept", "text/plain").headers().firstValue("X-Cache"))
                    .hasValue("MISS");
            assertThat(Http.get(app.uri("/ttl/items/15"), "Accept", "text/plain").headers().firstValue("X-Cache"))
                    .as("whole segments: /ttl/items/1 is not a prefix of /ttl/items/15").hasValue("HIT");
            assertThat(Http.get(app.uri("/ttl/items/2"), "Accept", "text/plain").headers().firstValue("X-Cache"))
                    .hasValue("HIT");
            assertThat(cache.purgeTag("all")).isGreaterThanOrEqualTo(urls - 1);
            assertThat(Http.get(app.uri("/ttl/items/2"), "Accept", "text/plain").headers().firstValue("X-Cache"))
                    .hasValue("MISS");
            assertThat(Http.get(app.uri("/ttl/items/3"), "Accept", "text/plain").headers().firstValue("X-Cache"))
                    .hasValue("MISS");
            assertThat(cache.purgePrefix("/")).as("/ advances the generation of every first segment").isGreaterThanOrEqualTo(2);
            assertThat(Http.get(app.uri("/ttl/items/15"), "Accept", "text/plain").headers().firstValue("X-Cache"))
                    .hasValue("MISS");
        }
    }
}
