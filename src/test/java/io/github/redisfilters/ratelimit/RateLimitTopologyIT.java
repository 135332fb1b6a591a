package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisSentinelGroup;
import io.github.redisfilters.testing.ServletContainer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Redis Cluster (multi-key scripts in one slot) and Sentinel failover (script reloaded after NOSCRIPT). */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class RateLimitTopologyIT {
    @Parameter
    ContainerKind kind;

    @Test
    void clusterLimitsWithSeveralPoliciesAndKeysAcrossSlots() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false);
             ServletContainer app = kind.start(ctx -> {
                 var reg = ctx.addFilter("rateLimit", RateLimitFilter.class);
                 reg.setInitParameter("redisClusterNodes", cluster.seedsParam());
                 reg.setInitParameter("trustedProxies", "127.0.0.1");
                 reg.setInitParameter("rules", "c: /c 3/1h fixed, 10/1h sliding, 10/1h sliding-counter;"
                         + " k: /c 2/1h sliding by header:X-Api-Key; tb: /t 2/1d token-bucket");
                 reg.addMappingForUrlPatterns(null, false, "/*");
                 ctx.addServlet("ok", new Apps.Ok()).addMapping("/*");
             })) {
            for (int client = 1; client <= 6; client++) { // different clients land in different slots
                String ip = "198.51.100." + client;
                assertThat(Http.get(app.uri("/c"), "X-Forwarded-For", ip, "X-Api-Key", "key" + client).statusCode()).isEqualTo(200);
                assertThat(Http.get(app.uri("/c"), "X-Forwarded-For", ip, "X-Api-Key", "key" + client).statusCode()).isEqualTo(200);
                // the API-key rule (another hash tag, maybe another node) denies the third
                assertThat(Http.get(app.uri("/c"), "X-Forwarded-For", ip, "X-Api-Key", "key" + client).statusCode()).isEqualTo(429);
                assertThat(Http.get(app.uri("/c"), "X-Forwarded-For", ip, "X-Api-Key", "other" + client).statusCode()).isEqualTo(200);
                assertThat(Http.get(app.uri("/c"), "X-Forwarded-For", ip, "X-Api-Key", "third" + client).statusCode()).isEqualTo(429);
                assertThat(Http.get(app.uri("/t"), "X-Forwarded-For", ip).statusCode()).isEqualTo(200);
                assertThat(Http.get(app.uri("/t"), "X-Forwarded-For", ip).statusCode()).isEqualTo(200);
                assertThat(Http.get(app.uri("/t"), "X-Forwarded-For", ip).statusCode()).isEqualTo(429);
            }
            assertThat(cluster.totalKeys()).isGreaterThanOrEqualTo(6 * 3);
            long nodesWithKeys = cluster.masters().stream().filter(m -> {
                try (var j = m.admin()) {
                    return j.dbSize() > 0;
                }
            }).count();
            assertThat(nodesWithKeys).isGreaterThan(1);
        }
    }

    @Test
    void sentinelFailoverKeepsLimitingAndReloadsTheScript() {
        try (RedisSentinelGroup group = RedisSentinelGroup.start();
             ServletContainer app = kind.start(ctx -> {
                 var reg = ctx.addFilter("rateLimit", RateLimitFilter.class);
                 reg.setInitParameter("redisSentinelMaster", RedisSentinelGroup.MASTER_NAME);
                 reg.setInitParameter("redisSentinelNodes", group.sentinelNodesParam());
                 reg.setInitParameter("redisSocketTimeout", "300ms");
                 reg.setInitParameter("rules", "s: /s 3/1h sliding");
                 reg.addMappingForUrlPatterns(null, false, "/*");
                 ctx.addServlet("ok", new Apps.Ok()).addMapping("/*");
             })) {
            assertThat(Http.get(app.uri("/s")).headers().firstValue("X-RateLimit-Remaining")).contains("2");
            var survivor = group.killMasterAndAwaitFailover();
            try (var j = survivor.admin()) {
                j.scriptFlush(); // a promoted replica may lack the script: the filter must reload it
                j.flushAll();
            }
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Http.get(app.uri("/s")).headers().firstValue("X-RateLimit-Remaining").orElse("").equals("2"));
            assertThat(Http.get(app.uri("/s")).statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/s")).statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/s")).statusCode()).isEqualTo(429);
            try (var j = survivor.admin()) {
                assertThat(j.keys("rsf:ratelimit:*")).hasSize(1);
            }
        }
    }
}
