package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Redis stops answering ({@code CLIENT PAUSE}) while more requests arrive than the pool has
 * connections: every request still completes (bounded pool wait and socket timeout, then the
 * failure mode), no thread is left hanging, and service resumes when Redis does.
 */
class SlowRedisIT {
    private static final Logger LOG = LoggerFactory.getLogger(SlowRedisIT.class);

    @Test
    void pausedRedisAndAnExhaustedPoolNeverHangRequests() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup(redis.url(),
                     Map.of("redisPoolSize", "4", "redisPoolMaxWait", "100ms")))) {
            assertThat(Http.get(app.uri("/api/plain")).statusCode()).isEqualTo(200);
            try (Jedis admin = redis.admin()) {
                admin.clientPause(4000);
            }
            ExecutorService clients = Executors.newFixedThreadPool(40);
            List<Future<Integer>> results = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 120; i++) {
                int n = i;
                results.add(clients.submit(() -> Http.get(app.uri(n % 2 == 0 ? "/api/plain" : "/api/products/" + (n % 7))).statusCode()));
            }
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).as("no request hangs").isTrue();
            long ms = (System.nanoTime() - start) / 1_000_000;
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            SharedRedisClient client = SharedRedisClient.all(app.servletContext()).get(0);
            LOG.info("120 requests against a paused Redis with 4 connections finished in {} ms; breaker {}, pool {}",
                    ms, client.breaker().state(), client.poolStats());
            assertThat(statuses).as("rate limit and cache fail open").containsOnly(200);
            assertThat(client.breaker().openings()).isGreaterThanOrEqualTo(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> "HIT".equals(Http.get(app.uri("/api/products/1")).headers().firstValue("X-Cache").orElse(""))
                            || "MISS".equals(Http.get(app.uri("/api/products/1")).headers().firstValue("X-Cache").orElse("")));
            assertThat(client.poolStats().values()).allSatisfy(p -> assertThat(p.get("waiting")).isZero());
        }
    }
}
