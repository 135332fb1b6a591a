package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Throughput of a cache hit against (a) a hand-written filter answering from one Redis GET and
 * (b) a 20 ms origin without cache. Not part of the suite: run with
 * {@code mvn -o -B verify -Dtest=none -Dit.test=ResponseCacheBenchIT -Dbench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Prints medians of alternating rounds; asserts nothing
 * about speed (the machine is shared), only that every answer was right.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ResponseCacheBenchIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static final byte[] BODY = ("{\"products\":[" + "{\"id\":1,\"name\":\"product\"},".repeat(35) + "{}]}")
            .getBytes(StandardCharsets.UTF_8);

    /** The comparison point: one GET, write the bytes. What any hand-rolled Redis cache does on a hit. */
    static final class OneGetFilter implements Filter {
        final RedisClient client;

        OneGetFilter(RedisClient client) {
            this.client = client;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException {
            byte[] body = client.get(("bench:" + ((HttpServletRequest) req).getRequestURI()).getBytes(StandardCharsets.UTF_8));
            HttpServletResponse r = (HttpServletResponse) res;
            r.setContentType("application/json");
            r.setContentLength(body.length);
            r.getOutputStream().write(body);
        }
    }

    static final class Origin extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getRequestURI().contains("/slow/")) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            resp.setContentType("application/json");
            resp.getOutputStream().write(BODY);
        }
    }

    @Test
    void hitVersusOneGetVersusSlowOrigin() throws Exception {
        int threads = Integer.getInteger("bench.threads", 16);
        int seconds = Integer.getInteger("bench.seconds", 4);
        int rounds = Integer.getInteger("bench.rounds", 5);
        RedisProcess redis = REDIS.process();
        try (RedisClient direct = RedisClient.create(redis.url());
             ServletContainer app = ContainerKind.JETTY.start(ctx -> {
                 ctx.setInitParameter("redisUrl", redis.url());
                 ctx.addFilter("cache", new ResponseCacheFilter(ResponseCacheConfig.builder()
                         .rules(ResponseCacheConfig.Rule.ttl("/hit/**", Duration.ofHours(1))).build()))
                         .addMappingForUrlPatterns(null, false, "/hit/*");
                 ctx.addFilter("oneGet", new OneGetFilter(direct)).addMappingForUrlPatterns(null, false, "/get/*");
                 ctx.addServlet("origin", new Origin()).addMapping("/");
             })) {
            direct.set(("bench:/app/get/x").getBytes(StandardCharsets.UTF_8), BODY);
            Http.get(app.uri("/hit/x"));
            assertThat(Http.get(app.uri("/hit/x")).headers().firstValue("X-Cache")).hasValue("HIT");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, List<Double>> results = new TreeMap<>();
            for (String path : List.of("/hit/x", "/get/x", "/slow/x")) {
                run(http, app.uri(path), threads, Duration.ofSeconds(2)); // warm-up, discarded
            }
            for (int round = 0; round < rounds; round++) {
                // alternate which of the two compared paths goes first: the machine's load drifts
                List<String> order = round % 2 == 0 ? List.of("/hit/x", "/get/x", "/slow/x")
                        : List.of("/get/x", "/hit/x", "/slow/x");
                for (String path : order) {
                    results.computeIfAbsent(path, p -> new ArrayList<>())
                            .add(run(http, app.uri(path), threads, Duration.ofSeconds(seconds)));
                }
            }
            double hit = median(results.get("/hit/x"));
            double get = median(results.get("/get/x"));
            double slow = median(results.get("/slow/x"));
            System.out.printf("BENCH threads=%d seconds=%d rounds=%d body=%dB%n", threads, seconds, rounds, BODY.length);
            System.out.printf("BENCH cache hit        %8.0f req/s %s%n", hit, results.get("/hit/x"));
            System.out.printf("BENCH one-GET filter   %8.0f req/s %s%n", get, results.get("/get/x"));
            System.out.printf("BENCH 20 ms origin     %8.0f req/s %s%n", slow, results.get("/slow/x"));
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                // hit and one-GET run back to back in each round: their ratio is the least noisy figure
                ratios.add(Math.round(100.0 * results.get("/hit/x").get(i) / results.get("/get/x").get(i)) / 100.0);
            }
            System.out.printf("BENCH hit / one-GET per round %s, median %.2f; hit / 20 ms origin = %.1f%n",
                    ratios, median(ratios), hit / slow);
            // Redis alone: the lookup script against a plain GET, same client, same bytes
            byte[] getKey = "bench:/app/get/x".getBytes(StandardCharsets.UTF_8);
            io.github.redisfilters.internal.client.LuaScript lookup = io.github.redisfilters.internal.client.LuaScript.fromResource(
                    CacheStore.class, "lua/lookup.lua");
            List<byte[]> keys = List.of("rsf:cache:{/hit/x}".getBytes(StandardCharsets.UTF_8));
            List<byte[]> args = List.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
                    "5000".getBytes(StandardCharsets.UTF_8), new byte[] {'n'});
            for (int round = 0; round < 2; round++) {
                long g = p50Nanos(() -> direct.get(getKey), 5000);
                long e = p50Nanos(() -> io.github.redisfilters.client.SharedRedisClient.evalBinaryOn(direct, lookup, keys, args), 5000);
                System.out.printf("BENCH redis p50: GET %d us, lookup EVALSHA %d us%n", g / 1000, e / 1000);
            }
            for (String path : List.of("/hit/x", "/get/x", "/slow/x")) {
                System.out.printf("BENCH p50 latency, one request in flight, %-7s %6d us%n", path,
                        p50Micros(http, app.uri(path), 300));
            }
        }
    }

    static double run(HttpClient http, URI uri, int threads, Duration length) throws Exception {
        AtomicLong ok = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        HttpRequest req = HttpRequest.newBuilder(uri).GET().build();
        for (int i = 0; i < threads; i++) {
            pool.submit(() -> {
                while (!stop.get()) {
                    try {
                        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() == 200 && r.body().length == BODY.length) {
                            ok.incrementAndGet();
                        } else {
                            bad.incrementAndGet();
                        }
                    } catch (IOException e) {
                        bad.incrementAndGet();
                    }
                }
                return null;
            });
        }
        long start = System.nanoTime();
        Thread.sleep(length.toMillis());
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        double secs = (System.nanoTime() - start) / 1e9;
        assertThat(bad.get()).as("failed answers for " + uri).isZero();
        return Math.round(ok.get() / secs);
    }

    static long p50Micros(HttpClient http, URI uri, int n) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri).GET().build();
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            micros.add((System.nanoTime() - t) / 1000);
        }
        Collections.sort(micros);
        return micros.get(n / 2);
    }

    static long p50Nanos(Runnable op, int n) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            op.run();
            nanos.add(System.nanoTime() - t);
        }
        Collections.sort(nanos);
        return nanos.get(n / 2);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
