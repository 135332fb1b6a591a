package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis killed with SIGKILL under steady load through all four filters, then restarted on the
 * same port: cache and rate limit keep answering (fail-open), the blacklist and the session answer
 * 503, nothing answers 500, the shared breaker opens once, and full service returns without
 * restarting the application (scripts reloaded on the fresh Redis).
 */
class RedisOutageIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    private static final Logger LOG = LoggerFactory.getLogger(RedisOutageIT.class);

    enum Kind { PRODUCTS, PLAIN, TOKEN, SESSION }

    @Test
    void killNineUnderLoadThenRestartOnTheSamePort() throws Exception {
        RedisProcess redis = REDIS.process();
        try (ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup(redis.url(), Map.of()))) {
            long now = Instant.now().getEpochSecond();
            String token = AllFiltersApp.token("outage-1", now, now + 600);
            HttpResponse<String> created = Http.post(app.uri("/api/cart"), "");
            assertThat(created.statusCode()).isEqualTo(200);
            String cookie = created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];

            Map<Kind, ConcurrentLinkedQueue<Integer>> statuses = new ConcurrentHashMap<>();
            Map<Kind, AtomicLong> slowestMs = new ConcurrentHashMap<>();
            for (Kind k : Kind.values()) {
                statuses.put(k, new ConcurrentLinkedQueue<>());
                slowestMs.put(k, new AtomicLong());
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong phaseStart = new AtomicLong(System.nanoTime());
            ExecutorService load = Executors.newFixedThreadPool(4);
            for (Kind k : Kind.values()) {
                load.submit(() -> {
                    int i = 0;
                    while (running.get()) {
                        long start = System.nanoTime();
                        HttpResponse<String> r = switch (k) {
                            case PRODUCTS -> Http.get(app.uri("/api/products/" + (i++ % 5)));
                            case PLAIN -> Http.get(app.uri("/api/plain"));
                            case TOKEN -> Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token);
                            case SESSION -> Http.get(app.uri("/api/cart"), "Cookie", cookie);
                        };
                        long tookMs = (System.nanoTime() - start) / 1_000_000;
                        slowestMs.get(k).accumulateAndGet(tookMs, Math::max);
                        if (tookMs > 600) {
                            LOG.info("slow {} request: {} ms, started {} ms after the last fault change", k, tookMs,
                                    (start - phaseStart.get()) / 1_000_000);
                        }
                        if (start - phaseStart.get() > 0) { // only requests sent after the last fault change
                            statuses.get(k).add(r.statusCode());
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> statuses.get(Kind.SESSION).size() > 20);
            assertThat(statuses.values()).allSatisfy(q -> assertThat(q).containsOnly(200));

            redis.kill();
            phaseStart.set(System.nanoTime());
            for (Kind k : Kind.values()) {
                statuses.get(k).clear();
                slowestMs.get(k).set(0);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> statuses.get(Kind.SESSION).size() > 50
                    && statuses.get(Kind.TOKEN).size() > 50);
            Map<Kind, List<Integer>> during = snapshot(statuses);
            SharedRedisClient client = SharedRedisClient.all(app.servletContext()).get(0);
            LOG.info("during the outage: requests {}, slowest ms {}, breaker {} (openings {})",
                    counts(during), slowestMs, client.breaker().state(), client.breaker().openings());

            assertThat(during.get(Kind.PRODUCTS)).as("cache fails open").containsOnly(200);
            assertThat(during.get(Kind.PLAIN)).as("rate limit fails open").containsOnly(200);
            assertThat(during.get(Kind.TOKEN)).as("blacklist fails closed").contains(503).doesNotContain(500, 200);
            assertThat(during.get(Kind.SESSION)).as("session answers 503, never a forked session")
                    .contains(503).doesNotContain(500, 200);
            assertThat(client.breaker().openings()).as("one outage, one WARN").isEqualTo(1);

            redis.launch();
            phaseStart.set(System.nanoTime());
            for (Kind k : Kind.values()) {
                statuses.get(k).clear();
            }
            Instant restarted = Instant.now();
            await().atMost(Duration.ofSeconds(20)).until(() -> recovered(statuses.get(Kind.TOKEN))
                    && recovered(statuses.get(Kind.PLAIN)) && recovered(statuses.get(Kind.PRODUCTS)));
            LOG.info("full service {} ms after the restart", Duration.between(restarted, Instant.now()).toMillis());
            running.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(snapshot(statuses).values()).allSatisfy(l -> assertThat(l).doesNotContain(500));
            // the session lived in the killed Redis: its cookie now means "no session", not an error
            HttpResponse<String> cart = Http.get(app.uri("/api/cart"), "Cookie", cookie);
            assertThat(cart.statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/api/products/1")).headers().firstValue("X-Cache")).hasValueSatisfying(
                    v -> assertThat(v).isIn("MISS", "HIT"));
        }
    }

    private static boolean recovered(ConcurrentLinkedQueue<Integer> q) {
        Integer[] all = q.toArray(new Integer[0]);
        int n = all.length;
        return n >= 5 && all[n - 1] == 200 && all[n - 2] == 200 && all[n - 3] == 200;
    }

    private static Map<Kind, List<Integer>> snapshot(Map<Kind, ConcurrentLinkedQueue<Integer>> statuses) {
        Map<Kind, List<Integer>> out = new java.util.EnumMap<>(Kind.class);
        statuses.forEach((k, q) -> out.put(k, List.copyOf(q)));
        return out;
    }

    private static Map<Kind, Map<Integer, Long>> counts(Map<Kind, List<Integer>> m) {
        Map<Kind, Map<Integer, Long>> out = new java.util.EnumMap<>(Kind.class);
        m.forEach((k, l) -> out.put(k, l.stream().collect(java.util.stream.Collectors.groupingBy(i -> i,
                java.util.TreeMap::new, java.util.stream.Collectors.counting()))));
        return out;
    }
}
