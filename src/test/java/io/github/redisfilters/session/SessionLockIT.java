package io.github.redisfilters.session;

import static io.github.redisfilters.session.RedisSessionFilterIT.cookie;
import static io.github.redisfilters.session.RedisSessionFilterIT.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.internal.metrics.MetricsRegistry;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * One user's concurrent requests on two servers (Jetty and Tomcat) sharing one Redis: the write
 * lock keeps every read-modify-write of one attribute, reads never wait, a dead lock holder
 * blocks the session only until the lock's TTL, a lock wait that runs out answers 503, and
 * Redis dying mid-request loses nothing that was stored.
 */
class SessionLockIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static ServletContainer jetty;
    static ServletContainer tomcat;

    static ServletContainer app(ContainerKind kind) {
        return kind.start(SessionTestApp.app("redisUrl", REDIS.process().url(), Map.of("keyPrefix", "lk:",
                "lockWait", "4s", "lockTimeout", "8s", "redisFailureThreshold", "1", "redisRetryInterval", "100ms")));
    }

    @BeforeEach
    void servers() {
        if (jetty == null) {
            jetty = app(ContainerKind.JETTY);
            tomcat = app(ContainerKind.TOMCAT);
        }
    }

    @AfterAll
    static void stop() {
        jetty.close();
        tomcat.close();
        jetty = null;
    }

    static HttpResponse<String> add(ServletContainer app, String id, String sku, int pauseMillis) {
        return Http.post(app.uri("/s/cart?sku=" + sku + "&pause=" + pauseMillis), "", cookie(id));
    }

    static String newCart() {
        HttpResponse<String> r = Http.post(jetty.uri("/s/cart"), "");
        assertThat(r.statusCode()).isEqualTo(200);
        return sessionId(r);
    }

    @Test
    void twentyConcurrentAddsToOneCartOnTwoServersKeepAllTwenty() throws Exception {
        String id = newCart();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> adds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ServletContainer server = i % 2 == 0 ? jetty : tomcat;
                String sku = "sku" + i;
                adds.add(CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return add(server, id, sku, 5);
                }, pool));
            }
            go.countDown();
            for (CompletableFuture<HttpResponse<String>> a : adds) {
                assertThat(a.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Http.get(tomcat.uri("/s/cart"), cookie(id)).body()).as("total quantity and distinct items").isEqualTo("20 20");
        assertThat(counter(jetty, "lock.waits") + counter(tomcat, "lock.waits")).as("the adds did overlap").isPositive();
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.keys("lk:session:lock:*")).as("every lock released").isEmpty();
        }
    }

    @Test
    void aReadNeverWaitsForAWriterAndAWaitThatRunsOutAnswers503() throws Exception {
        String id = newCart();
        SessionTestApp.arrived = new CountDownLatch(1);
        SessionTestApp.release = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(
                () -> Http.post(jetty.uri("/s/hold?name=h&value=1"), "", cookie(id)));
        try {
            assertThat(SessionTestApp.arrived.await(30, TimeUnit.SECONDS)).isTrue();
            HttpResponse<String> read = Http.get(tomcat.uri("/s/cart"), cookie(id));
            assertThat(read.statusCode()).as("GET takes no lock").isEqualTo(200);
            HttpResponse<String> blocked = add(tomcat, id, "late", 0);
            assertThat(blocked.statusCode()).as("lockWait (4s) ran out, the holder (lock TTL 8s) still runs").isEqualTo(503);
            assertThat(blocked.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(blocked.body()).contains("Another request of this session");
            assertThat(RedisSessionFilterIT.setCookie(blocked)).isEmpty();
        } finally {
            SessionTestApp.release.countDown();
        }
        assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(add(tomcat, id, "after", 0).body()).as("released with the holder's save").isEqualTo("1 1");
        assertThat(Http.get(jetty.uri("/s/get?name=h"), cookie(id)).body()).isEqualTo("1");
    }

    @Test
    void beyondMaxLockWaitersARequestIsRefusedAtOnceWhileTheWaiterStillGetsTheLock() throws Exception {
        ServletContainer app = ContainerKind.TOMCAT.start(SessionTestApp.app("redisUrl", REDIS.process().url(),
                Map.of("keyPrefix", "lw:", "lockWait", "20s", "lockTimeout", "30s", "maxLockWaiters", "1")));
        try {
            HttpResponse<String> created = Http.post(app.uri("/s/cart"), "");
            String id = sessionId(created);
            SessionTestApp.arrived = new CountDownLatch(1);
            SessionTestApp.release = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(
                    () -> Http.post(app.uri("/s/hold?name=h&value=1"), "", cookie(id)));
            List<CompletableFuture<HttpResponse<String>>> adds = new ArrayList<>();
            try {
                assertThat(SessionTestApp.arrived.await(30, TimeUnit.SECONDS)).isTrue();
                adds.add(CompletableFuture.supplyAsync(() -> add(app, id, "a", 0)));
                adds.add(CompletableFuture.supplyAsync(() -> add(app, id, "b", 0)));
                // the holder keeps the lock until released: the first answer can only be the refusal
                HttpResponse<?> first = (HttpResponse<?>) CompletableFuture.anyOf(adds.toArray(CompletableFuture[]::new))
                        .get(30, TimeUnit.SECONDS);
                assertThat(first.statusCode()).as("one waiter is the most; the second is refused at once").isEqualTo(503);
                assertThat(first.headers().firstValue("Retry-After")).isPresent();
            } finally {
                SessionTestApp.release.countDown();
            }
            assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            List<Integer> codes = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> a : adds) {
                codes.add(a.get(30, TimeUnit.SECONDS).statusCode());
            }
            assertThat(codes).as("the waiter took the lock once the holder let go").containsExactlyInAnyOrder(200, 503);
        } finally {
            app.close();
        }
    }

    @Test
    void aLockLeftByACrashedServerExpiresAfterItsTtl() {
        String id = newCart();
        add(jetty, id, "before", 0);
        // what a server that died between load and save leaves behind: a lock nobody will release
        SessionRepository repo = new SessionRepository(REDIS.client(), "lk:");
        SessionRepository.Loaded taken = repo.load(id, System.currentTimeMillis(), true, "dead-server", 300);
        assertThat(taken).isInstanceOfSatisfying(SessionRepository.Stored.class, s -> assertThat(s.locked()).isTrue());
        HttpResponse<String> r = add(tomcat, id, "after", 0);
        assertThat(r.statusCode()).as("waited for the lock's 300ms TTL within lockWait 4s").isEqualTo(200);
        assertThat(r.body()).isEqualTo("2 2");
    }

    @Test
    void redisKilledWhileARequestHoldsTheLockLosesNothingStoredAndServiceResumes() throws Exception {
        String id = newCart();
        add(jetty, id, "kept", 0);
        SessionTestApp.arrived = new CountDownLatch(1);
        SessionTestApp.release = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(
                () -> Http.post(tomcat.uri("/s/hold?name=h&value=1"), "", cookie(id)));
        assertThat(SessionTestApp.arrived.await(30, TimeUnit.SECONDS)).isTrue();
        try (Jedis j = REDIS.process().admin()) {
            j.save(); // what a persistent Redis has on disk: the cart, and the holder's lock
        }
        REDIS.process().kill(); // mid-request: the save has nowhere to go
        SessionTestApp.release.countDown();
        HttpResponse<String> failed = holder.get(30, TimeUnit.SECONDS);
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(failed.headers().firstValue("Retry-After")).isPresent();
        REDIS.process().launch();
        for (ServletContainer server : new ServletContainer[] {jetty, tomcat}) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> Http.get(server.uri("/s/cart"), cookie(id)).statusCode() == 200);
        }
        assertThat(Http.get(jetty.uri("/s/cart"), cookie(id)).body()).as("the stored cart survived").isEqualTo("1 1");
        // the holder's lock came back with the data set: the next write waits for its 8s TTL
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> add(tomcat, id, "next", 0).statusCode() == 200);
        assertThat(Http.get(jetty.uri("/s/cart"), cookie(id)).body()).isEqualTo("2 2");
        java.nio.file.Files.deleteIfExists(REDIS.process().dir().resolve("dump.rdb"));
    }

    static long counter(ServletContainer app, String name) {
        return MetricsRegistry.of(app.servletContext()).all().stream().filter(m -> m.kind().equals("session"))
                .mapToLong(m -> m.get(name)).sum();
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
