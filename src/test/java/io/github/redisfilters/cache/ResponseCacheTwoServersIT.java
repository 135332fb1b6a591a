package io.github.redisfilters.cache;

import static io.github.redisfilters.cache.CacheTestApp.calls;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A Jetty and a Tomcat server sharing one Redis: the deployment the cache is for. */
class ResponseCacheTwoServersIT {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static ServletContainer jetty;
    static ServletContainer tomcat;

    @BeforeAll
    static void start() {
        ResponseCacheConfig config = ResponseCacheConfig.builder()
                .rules(ResponseCacheConfig.Rule.ttl("/ttl/**", Duration.ofSeconds(60)))
                .lockTimeout(Duration.ofSeconds(10))
                .coalesceWait(Duration.ofSeconds(8))
                .build();
        jetty = ContainerKind.JETTY.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            CacheTestApp.install(ctx, config);
        });
        tomcat = ContainerKind.TOMCAT.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            CacheTestApp.install(ctx, config);
        });
    }

    @AfterAll
    static void stop() {
        jetty.close();
        tomcat.close();
    }

    @BeforeEach
    void clean() {
        CacheTestApp.reset();
    }

    @Test
    void anEntryStoredThroughOneServerIsAHitOnTheOther() {
        HttpResponse<String> viaJetty = Http.get(jetty.uri("/ttl/shared"));
        assertThat(viaJetty.headers().firstValue("X-Cache")).hasValue("MISS");
        HttpResponse<String> viaTomcat = Http.get(tomcat.uri("/ttl/shared"));
        assertThat(viaTomcat.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(viaTomcat.body()).isEqualTo(viaJetty.body());
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void aServerThatLastSawNoVaryStillFindsTheRightVariantStoredByAnother() {
        Http.get(jetty.uri("/ttl/mixed")); // jetty learns: this URL does not vary
        try (var j = REDIS.process().admin()) {
            // a miss answers first and stores right after; wait for the store before purging
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !j.exists("rsf:cache:{/ttl/mixed}#lock"));
        }
        ResponseCache.from(jetty.servletContext()).purgeUrl("/ttl/mixed");
        CacheTestApp.origin = (req, resp, n) -> {
            resp.setHeader("Vary", "Accept-Language");
            resp.getWriter().print(req.getHeader("Accept-Language") + "-" + n);
        };
        Http.get(tomcat.uri("/ttl/mixed"), "Accept-Language", "en");
        Http.get(tomcat.uri("/ttl/mixed"), "Accept-Language", "fr");
        HttpResponse<String> fr = Http.get(jetty.uri("/ttl/mixed"), "Accept-Language", "fr");
        assertThat(fr.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(fr.body()).isEqualTo("fr-3");
        HttpResponse<String> en = Http.get(jetty.uri("/ttl/mixed"), "Accept-Language", "en");
        assertThat(en.body()).isEqualTo("en-2");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void concurrentMissesOnBothServersRenderTheOriginOnce() throws Exception {
        CacheTestApp.origin = (req, resp, n) -> {
            try {
                Thread.sleep(300); // a slow origin, so the misses really overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            resp.getWriter().print("render-" + n);
        };
        int perServer = 8;
        ExecutorService pool = Executors.newFixedThreadPool(perServer * 2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < perServer * 2; i++) {
                ServletContainer server = i % 2 == 0 ? jetty : tomcat;
                replies.add(pool.submit(() -> {
                    go.await();
                    return Http.get(server.uri("/ttl/hot"));
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> f : replies) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("render-1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls.get()).as("origin renders for %d concurrent misses", perServer * 2).isEqualTo(1);
    }
}
