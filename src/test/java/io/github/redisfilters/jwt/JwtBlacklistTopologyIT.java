package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.RedisSentinelGroup;
import io.github.redisfilters.testing.ServletContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Redis Cluster (one MGET per check on one slot) and Sentinel failover, behind real containers. */
class JwtBlacklistTopologyIT {

    @Test
    void clusterRevocationAndWatermarkWorkWithOneCommandPerCheck() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false);
             ServletContainer app = ContainerKind.JETTY.start(ctx -> {
                 ctx.setInitParameter("redisClusterNodes", cluster.seedsParam());
                 JwtTestApp.filter(ctx, "jwt", Map.of(), "/api/*");
                 JwtTestApp.servlets(ctx);
             })) {
            // Subjects spread over all three masters.
            for (String sub : new String[] {"alice", "bob", "carol", "dave", "erin", "frank"}) {
                String token = TestTokens.fresh(sub);
                String other = TestTokens.fresh(sub);
                assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
                assertThat(Http.post(app.uri("/api/auth/logout"), "", "Authorization", "Bearer " + token).statusCode()).isEqualTo(204);
                assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
                assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + other).statusCode()).isEqualTo(200);
                assertThat(Http.post(app.uri("/api/auth/logout-all"), "", "Authorization", "Bearer " + other).statusCode()).isEqualTo(204);
                assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + other).statusCode()).isEqualTo(401);
            }
            String token = TestTokens.fresh("zoe");
            cluster.masters().forEach(RedisProcess::resetStats);
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            long commands = cluster.masters().stream().mapToLong(m -> m.totalCommands("cluster|slots", "cluster|shards")).sum();
            long mgets = cluster.masters().stream().mapToLong(m -> m.commandStats().getOrDefault("mget", 0L)).sum();
            assertThat(mgets).isEqualTo(1);
            assertThat(commands).isEqualTo(1);
            assertThat(JwtTestApp.metrics(app.servletContext(), "jwt").get("errors")).isZero();
        }
    }

    @Test
    void revocationsSurviveASentinelFailover() {
        try (RedisSentinelGroup sentinel = RedisSentinelGroup.start();
             ServletContainer app = ContainerKind.TOMCAT.start(ctx -> {
                 ctx.setInitParameter("redisSentinelMaster", RedisSentinelGroup.MASTER_NAME);
                 ctx.setInitParameter("redisSentinelNodes", sentinel.sentinelNodesParam());
                 ctx.setInitParameter("redisRetryInterval", "200ms");
                 JwtTestApp.filter(ctx, "jwt", Map.of(), "/api/*");
                 JwtTestApp.servlets(ctx);
             })) {
            String revoked = TestTokens.fresh("alice");
            Instant old = Instant.now().minusSeconds(30);
            String bobsOld = TestTokens.token("bob", UUID.randomUUID().toString(), old, old.plusSeconds(900));
            String bobsCurrent = TestTokens.fresh("bob");
            assertThat(Http.post(app.uri("/api/auth/logout"), "", "Authorization", "Bearer " + revoked).statusCode()).isEqualTo(204);
            assertThat(Http.post(app.uri("/api/auth/logout-all"), "", "Authorization", "Bearer " + bobsCurrent).statusCode()).isEqualTo(204);
            RedisProcess master = sentinel.currentMasterPort() == sentinel.master().port() ? sentinel.master() : sentinel.replica();
            try (Jedis j = master.admin()) {
                assertThat(j.waitReplicas(1, 5000)).isEqualTo(1); // the entries reached the replica
            }

            sentinel.killMasterAndAwaitFailover();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + revoked).statusCode()).isEqualTo(401));
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + bobsOld).statusCode()).isEqualTo(401);
            String fresh = TestTokens.fresh("carol");
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + fresh).statusCode()).isEqualTo(200);
            assertThat(Http.post(app.uri("/api/auth/logout"), "", "Authorization", "Bearer " + fresh).statusCode()).isEqualTo(204);
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + fresh).statusCode()).isEqualTo(401);
        }
    }
}
