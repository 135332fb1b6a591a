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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Redis stops answering while more requests arrive than the pool has connections — paused
 * ({@code CLIENT PAUSE}), asleep ({@code DEBUG SLEEP}: the whole server blocked) or busy with
 * another client's endless Lua script (every other command answered {@code BUSY} until
 * {@code SCRIPT KILL}): every request still completes (bounded pool wait and socket timeout, then
 * the failure mode), no thread is left waiting on the pool or inside Jedis, the breaker opens, and
 * service resumes when Redis does. Timings are logged, never asserted.
 */
class SlowRedisIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    private static final Logger LOG = LoggerFactory.getLogger(SlowRedisIT.class);

    @Test
    void pausedRedisAndAnExhaustedPoolNeverHangRequests() throws Exception {
        RedisProcess redis = REDIS.process();
        try (ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup(redis.url(),
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

    /** What one request of a burst asks for, and what each filter may answer while Redis cannot. */
    enum Kind { PRODUCTS, PLAIN, TOKEN, SESSION }

    private static final int POOL_SIZE = 4;
    private static final String POOL_WAIT = "100ms";
    private static final String SOCKET_TIMEOUT = "300ms";

    @Test
    void debugSleepBlockingTheWholeServerNeverHangsRequests() throws Exception {
        RedisProcess redis = REDIS.process();
        // RedisProcess enables DEBUG (--enable-debug-command yes)
        try (ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup(redis.url(), Map.of(
                     "redisPoolSize", String.valueOf(POOL_SIZE), "redisPoolMaxWait", POOL_WAIT,
                     "redisSocketTimeout", SOCKET_TIMEOUT)))) {
            Fixture f = Fixture.prepare(app);
            long libraryThreadsBefore = libraryThreads();
            // DEBUG SLEEP blocks the server, so it is sent from a connection of its own that outwaits it
            CompletableFuture<String> sleep = stall("stall-debug-sleep", () -> {
                try (Jedis j = new Jedis(redis.hostAndPort(), DefaultJedisClientConfig.builder().timeoutMillis(30_000).build())) {
                    return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "SLEEP", "3"),
                            StandardCharsets.US_ASCII);
                }
            });
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> !answersWithin(redis, 100));

            Burst burst = Burst.fire(app, f, 60, 30);
            SharedRedisClient client = SharedRedisClient.all(app.servletContext()).get(0);
            LOG.info("DEBUG SLEEP 3 s, pool {} x {} wait, socket timeout {}: {} requests, slowest {} ms {}, all answered in {} ms;"
                    + " peak pool waiters {}, peak threads inside Jedis {}; breaker {} (opened {}x); statuses {}",
                    POOL_SIZE, POOL_WAIT, SOCKET_TIMEOUT, burst.count(), burst.slowestMs, burst.slowestByKind, burst.totalMs,
                    burst.peakWaiters.get(), burst.peakInJedis.get(), client.breaker().state(), client.breaker().openings(),
                    burst.histogram());
            assertThat(sleep.get(30, TimeUnit.SECONDS)).isEqualTo("OK");
            burst.assertFailureModes(f);
            assertThat(client.breaker().openings()).as("the stall opened the breaker").isGreaterThanOrEqualTo(1);
            awaitRecoveryWithNothingLeftBehind(app, f, client, libraryThreadsBefore);
        }
    }

    @Test
    void anEndlessScriptOfAnotherClientMeansBusyUntilScriptKill() throws Exception {
        RedisProcess redis = REDIS.process();
        try (Jedis j = redis.admin()) {
            j.configSet("busy-reply-threshold", "100"); // BUSY after 100 ms of script
        }
        try (ServletContainer app = ContainerKind.TOMCAT.start(AllFiltersApp.setup(redis.url(), Map.of(
                     "redisPoolSize", String.valueOf(POOL_SIZE), "redisPoolMaxWait", POOL_WAIT,
                     "redisSocketTimeout", SOCKET_TIMEOUT)));
             Jedis killer = redis.admin()) { // connected before the script: new connections' handshake meets BUSY
            Fixture f = Fixture.prepare(app);
            long libraryThreadsBefore = libraryThreads();
            CompletableFuture<String> script = stall("stall-endless-script", () -> {
                try (Jedis j = new Jedis(redis.hostAndPort(), DefaultJedisClientConfig.builder().timeoutMillis(30_000).build())) {
                    j.eval("while true do end");
                    return "finished?";
                } catch (JedisDataException e) {
                    return e.getMessage();
                }
            });
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                try {
                    killer.ping();
                    return false;
                } catch (JedisBusyException e) {
                    return true;
                }
            });

            Burst burst = Burst.fire(app, f, 60, 30);
            SharedRedisClient client = SharedRedisClient.all(app.servletContext()).get(0);
            LOG.info("endless Lua script (busy-reply-threshold 100 ms), pool {} x {} wait, socket timeout {}: {} requests,"
                    + " slowest {} ms {}, all answered in {} ms; peak pool waiters {}, peak threads inside Jedis {}; breaker {}"
                    + " (opened {}x); statuses {}", POOL_SIZE, POOL_WAIT, SOCKET_TIMEOUT, burst.count(), burst.slowestMs,
                    burst.slowestByKind, burst.totalMs, burst.peakWaiters.get(), burst.peakInJedis.get(), client.breaker().state(),
                    client.breaker().openings(), burst.histogram());
            burst.assertFailureModes(f);
            assertThat(client.breaker().openings()).as("BUSY opened the breaker").isGreaterThanOrEqualTo(1);

            assertThat(killer.scriptKill()).isEqualTo("OK");
            assertThat(script.get(30, TimeUnit.SECONDS)).contains("killed");
            long busy = Arrays.stream(killer.info("errorstats").split("\r?\n")).filter(l -> l.startsWith("errorstat_BUSY:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll(".*count=(\\d+).*", "$1"))).sum();
            LOG.info("Redis answered BUSY {} times (including the test's own probes)", busy);
            assertThat(busy).as("the filters met BUSY, not just timeouts").isGreaterThan(1);
            awaitRecoveryWithNothingLeftBehind(app, f, client, libraryThreadsBefore);
        } finally {
            try (Jedis j = redis.admin()) {
                j.configSet("busy-reply-threshold", "5000"); // the default, for the class's other tests
            }
        }
    }

    /** A session holding {@code n=1} and a live token, made before Redis stalls. */
    private record Fixture(String cookie, String token) {
        static Fixture prepare(ServletContainer app) {
            HttpResponse<String> created = Http.post(app.uri("/api/cart"), "");
            assertThat(created.statusCode()).isEqualTo(200);
            long now = Instant.now().getEpochSecond();
            Fixture f = new Fixture(created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0],
                    AllFiltersApp.token("slow-" + now, now, now + 600));
            for (Kind k : Kind.values()) {
                assertThat(f.send(app, k, 0).statusCode()).isEqualTo(200);
            }
            return f;
        }

        HttpResponse<String> send(ServletContainer app, Kind k, int i) {
            return switch (k) {
                case PRODUCTS -> Http.get(app.uri("/api/products/" + (i % 5)));
                case PLAIN -> Http.get(app.uri("/api/plain"));
                case TOKEN -> Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token);
                case SESSION -> Http.get(app.uri("/api/cart"), "Cookie", cookie);
            };
        }
    }

    /** {@code count} requests of every kind in turn from {@code clients} threads at once, with pool and thread sampling. */
    private static final class Burst {
        final Map<Kind, ConcurrentLinkedQueue<HttpResponse<String>>> responses = new EnumMap<>(Kind.class);
        final AtomicInteger peakWaiters = new AtomicInteger();
        final AtomicInteger peakInJedis = new AtomicInteger();
        final Map<Kind, AtomicLong> slowestByKind = new EnumMap<>(Kind.class);
        long slowestMs;
        long totalMs;

        static Burst fire(ServletContainer app, Fixture f, int count, int clients) throws Exception {
            Burst b = new Burst();
            for (Kind k : Kind.values()) {
                b.responses.put(k, new ConcurrentLinkedQueue<>());
                b.slowestByKind.put(k, new AtomicLong());
            }
            SharedRedisClient client = SharedRedisClient.all(app.servletContext()).get(0);
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    client.poolStats().values().forEach(p -> b.peakWaiters.accumulateAndGet(p.get("waiting"), Math::max));
                    b.peakInJedis.accumulateAndGet(threadsInsideJedis(), Math::max);
                    LockSupport.parkNanos(5_000_000L);
                }
            }, "stall-sampler");
            sampler.start();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<Long>> took = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Kind k = Kind.values()[i % Kind.values().length];
                int n = i;
                took.add(pool.submit(() -> {
                    long t = System.nanoTime();
                    b.responses.get(k).add(f.send(app, k, n));
                    long ms = (System.nanoTime() - t) / 1_000_000L;
                    b.slowestByKind.get(k).accumulateAndGet(ms, Math::max);
                    return ms;
                }));
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("no request hangs").isTrue();
            b.totalMs = (System.nanoTime() - start) / 1_000_000L;
            for (Future<Long> t : took) {
                b.slowestMs = Math.max(b.slowestMs, t.get());
            }
            sampling.set(false);
            sampler.join(10_000);
            return b;
        }

        int count() {
            return responses.values().stream().mapToInt(ConcurrentLinkedQueue::size).sum();
        }

        Map<Kind, Map<Integer, Long>> histogram() {
            Map<Kind, Map<Integer, Long>> out = new EnumMap<>(Kind.class);
            responses.forEach((k, rs) -> out.put(k, rs.stream().collect(Collectors.groupingBy(HttpResponse::statusCode,
                    TreeMap::new, Collectors.counting()))));
            return out;
        }

        /** Cache and rate limit fail open; blacklist and session answer 503 + Retry-After or, if Redis answered, the truth. */
        void assertFailureModes(Fixture f) {
            assertThat(responses.get(Kind.PRODUCTS)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            assertThat(responses.get(Kind.PLAIN)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            for (Kind k : List.of(Kind.TOKEN, Kind.SESSION)) {
                assertThat(responses.get(k)).allSatisfy(r -> {
                    if (r.statusCode() == 503) {
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    } else {
                        assertThat(r.statusCode()).isEqualTo(200);
                        assertThat(r.body()).isEqualTo(k == Kind.SESSION ? "{\"n\":1}" : "{\"token\":true}");
                    }
                });
            }
        }
    }

    private static void awaitRecoveryWithNothingLeftBehind(ServletContainer app, Fixture f, SharedRedisClient client,
            long libraryThreadsBefore) {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> f.send(app, Kind.SESSION, 0).body().equals("{\"n\":1}"));
        LOG.info("full service {} ms after the stall ended", (System.nanoTime() - start) / 1_000_000L);
        assertThat(f.send(app, Kind.TOKEN, 0).statusCode()).isEqualTo(200);
        assertThat(Http.post(app.uri("/api/cart"), "", "Cookie", f.cookie()).body()).as("the session is writable again")
                .isEqualTo("{\"n\":2}");
        assertThat(client.breaker().state()).isEqualTo(io.github.redisfilters.internal.client.CircuitBreaker.State.CLOSED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(threadsInsideJedis()).as("threads inside Jedis or the pool").isZero();
            assertThat(client.poolStats().values()).allSatisfy(p -> {
                assertThat(p.get("waiting")).isZero();
                assertThat(p.get("active")).isZero();
                assertThat(p.get("active") + p.get("idle")).isLessThanOrEqualTo(POOL_SIZE);
            });
            assertThat(libraryThreads()).as("no thread started by the library or Jedis").isLessThanOrEqualTo(libraryThreadsBefore);
        });
    }

    private static boolean answersWithin(RedisProcess redis, int millis) {
        try (Jedis j = new Jedis(redis.hostAndPort(), DefaultJedisClientConfig.builder().timeoutMillis(millis).build())) {
            return "PONG".equals(j.ping());
        } catch (JedisConnectionException e) {
            return false;
        }
    }

    /** Threads (other than this test's own stall and sampler threads) with a Jedis or commons-pool frame on their stack. */
    private static int threadsInsideJedis() {
        int n = 0;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith("stall-") || e.getKey() == Thread.currentThread()) {
                continue;
            }
            for (StackTraceElement frame : e.getValue()) {
                if (frame.getClassName().startsWith("redis.clients.jedis") || frame.getClassName().startsWith("org.apache.commons.pool2")) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static long libraryThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(t -> t.getName().toLowerCase())
                .filter(n -> n.contains("commons-pool") || n.contains("jedis") || n.contains("redis")).count();
    }

    /** Runs {@code what} on a daemon thread of its own (its connection is blocked for the length of the stall). */
    private static CompletableFuture<String> stall(String name, java.util.function.Supplier<String> what) {
        CompletableFuture<String> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(what.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return done;
    }
}
