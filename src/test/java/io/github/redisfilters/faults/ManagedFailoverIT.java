package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.LogCapture;
import io.github.redisfilters.testing.ManagedRedis;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * A managed Redis fails over behind one address (issue 14): two real {@code redis-server}s and a
 * loopback forwarder standing for the DNS name. After the switch, new connections reach the
 * promoted node while the pooled ones stay on the demoted node (which answers {@code READONLY}),
 * or on a node that is gone. Within 10 s and without a restart: session writes and login work,
 * rate-limit headers are back, the cache answers HIT/MISS, the status probe answers 200 and keeps
 * answering 200, and the client logged at most one WARN and one INFO for the event.
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ManagedFailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedFailoverIT.class);
    private static final Duration RECOVERY = Duration.ofSeconds(10);
    /** Consecutive good probes after recovery: with a 200 ms breaker retry interval, a flapping breaker shows within them. */
    private static final int STEADY_PROBES = 25;
    private static final String CLIENT_WARN = " WARN io.github.redisfilters.client.";
    private static final String CLIENT_INFO = " INFO io.github.redisfilters.client.";

    @Parameter
    ContainerKind kind;

    @Test
    void demotedPrimaryAnswersReadonlyAndTheClientMovesToThePromotedNode() {
        try (ManagedRedis redis = ManagedRedis.start();
             ServletContainer app = kind.start(app(redis))) {
            Traffic traffic = new Traffic(app);
            assertThat(traffic.allGood()).as("everything works before the failover").isEmpty();
            RedisProcess demoted = redis.primary();
            assertThat(appConnections(demoted)).as("pooled connections on the primary").isPositive();
            redis.awaitInSync();
            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService load = load(app, traffic.cartCookie, statuses, running); // several connections borrowed at the switch
            try (LogCapture log = LogCapture.start()) {
                long switched = redis.failover();
                long ms = traffic.awaitRecovered(switched);
                LOG.info("{}: managed failover (READONLY on the old connections) recovered in {} ms", app, ms);
                traffic.assertSteady();
                stop(load, running);
                assertThat(statuses).as("statuses under load").doesNotContain(500).contains(200);
                assertThat(appConnections(demoted)).as("connections left on the demoted node").isZero();
                // at most one WARN (naming READONLY) and one INFO ending it; under load the pool may also have
                // renewed before any request met the demoted node (seen once in CI: no line at all, recovered in 69 ms)
                long warns = log.lines(CLIENT_WARN);
                assertThat(warns).as("client WARN lines:\n%s", log.text()).isLessThanOrEqualTo(1);
                assertThat(log.lines(CLIENT_WARN, "READONLY")).isEqualTo(warns);
                assertThat(log.lines(CLIENT_INFO)).as("client INFO lines:\n%s", log.text()).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void demotedPrimaryGoneEntirelyAndTheClientMovesToThePromotedNode() {
        try (ManagedRedis redis = ManagedRedis.start();
             ServletContainer app = kind.start(app(redis))) {
            Traffic traffic = new Traffic(app);
            assertThat(traffic.allGood()).isEmpty();
            redis.awaitInSync();
            try (LogCapture log = LogCapture.start()) {
                long switched = redis.failoverPrimaryGone();
                long ms = traffic.awaitRecovered(switched);
                LOG.info("{}: managed failover (old primary gone) recovered in {} ms", app, ms);
                traffic.assertSteady();
                long warns = log.lines(CLIENT_WARN);
                assertThat(warns).as("client WARN lines:\n%s", log.text()).isLessThanOrEqualTo(1);
                assertThat(log.lines(CLIENT_INFO)).as("one INFO ends each WARN:\n%s", log.text()).isEqualTo(warns);
            }
        }
    }

    @Test
    void recoveryTimeMedianOfFiveFailovers() {
        try (ManagedRedis redis = ManagedRedis.start();
             ServletContainer app = kind.start(app(redis))) {
            Traffic traffic = new Traffic(app);
            assertThat(traffic.allGood()).isEmpty();
            List<Long> runs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                redis.awaitInSync();
                try (LogCapture log = LogCapture.start()) {
                    long switched = redis.failover(); // back and forth between the two nodes
                    runs.add(traffic.awaitRecovered(switched));
                    traffic.assertSteady();
                    assertThat(log.lines(CLIENT_WARN)).as("run %d:\n%s", i, log.text()).isLessThanOrEqualTo(1);
                    assertThat(log.lines(CLIENT_INFO)).as("run %d:\n%s", i, log.text()).isLessThanOrEqualTo(1);
                }
            }
            List<Long> sorted = runs.stream().sorted().toList();
            String line = String.format("ManagedFailoverIT %s: recovery after a managed failover (address switch -> first"
                    + " fully good round of requests), 5 runs %s ms, median %d ms", app, runs, sorted.get(2));
            LOG.info(line);
            System.out.println(line);
        }
    }

    /** Background requests on three threads until {@code running} turns false (each request waits for its answer). */
    private static ExecutorService load(ServletContainer app, String cookie, ConcurrentLinkedQueue<Integer> statuses,
            AtomicBoolean running) {
        ExecutorService load = Executors.newFixedThreadPool(3);
        for (String path : List.of("/api/plain", "/api/products/7", "/api/cart")) {
            load.submit(() -> {
                while (running.get()) {
                    statuses.add(Http.get(app.uri(path), "Cookie", cookie).statusCode());
                }
                return null;
            });
        }
        return load;
    }

    private static void stop(ExecutorService load, AtomicBoolean running) {
        running.set(false);
        load.shutdown();
        try {
            assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * All four filters on the managed address. Timeouts of 2 s instead of the fault suites' 300 ms:
     * no failure here waits for a timeout (READONLY and a closed connection are answered at once),
     * and on a machine shared with other builds 300 ms read timeouts would add outages of their own.
     */
    private static io.github.redisfilters.testing.AppSetup app(ManagedRedis redis) {
        return AllFiltersApp.setup(redis.url(), Map.of("redisConnectTimeout", "2s", "redisSocketTimeout", "2s"));
    }

    /** Connections of applications (not this harness) on a node, from {@code CLIENT LIST}. */
    private static long appConnections(RedisProcess node) {
        try (Jedis j = node.admin()) {
            return j.clientList().lines().filter(l -> !l.contains("cmd=client|list") && !l.contains("flags=M")
                    && !l.contains("flags=S")).count();
        }
    }

    /** The requests that must all work again after a failover. */
    private static final class Traffic {
        private final ServletContainer app;
        private String cartCookie;
        private int cartCount;
        private int productId = 1000;

        Traffic(ServletContainer app) {
            this.app = app;
            HttpResponse<String> created = Http.post(app.uri("/api/cart"), "");
            assertThat(created.statusCode()).isEqualTo(200);
            cartCookie = created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            cartCount = 1;
        }

        /**
         * One round of every kind of request; empty when all were good, else what was not. A
         * session write that failed is not counted (the cart count only moves on a 200).
         */
        Optional<String> allGood() {
            HttpResponse<String> cart = Http.post(app.uri("/api/cart"), "", "Cookie", cartCookie);
            if (cart.statusCode() != 200) {
                return Optional.of("session write " + cart.statusCode());
            }
            cartCount++;
            if (!cart.body().equals("{\"n\":" + cartCount + "}")) {
                return Optional.of("session write lost an update: " + cart.body() + " (expected " + cartCount + ")");
            }
            HttpResponse<String> login = Http.post(app.uri("/api/login"), "");
            Optional<String> loginCookie = login.headers().firstValue("Set-Cookie");
            if (login.statusCode() != 200 || loginCookie.isEmpty()) {
                return Optional.of("login " + login.statusCode());
            }
            HttpResponse<String> after = Http.get(app.uri("/api/cart"), "Cookie", loginCookie.get().split(";")[0]);
            if (after.statusCode() != 200) {
                return Optional.of("session after login " + after.statusCode());
            }
            HttpResponse<String> plain = Http.get(app.uri("/api/plain"));
            if (plain.statusCode() != 200 || plain.headers().firstValue("X-RateLimit-Limit").isEmpty()) {
                return Optional.of("rate limit " + plain.statusCode() + " " + plain.headers().map().keySet());
            }
            HttpResponse<String> product = Http.get(app.uri("/api/products/" + productId++));
            String xcache = product.headers().firstValue("X-Cache").orElse("none");
            if (product.statusCode() != 200 || !(xcache.equals("MISS") || xcache.equals("HIT"))) {
                return Optional.of("cache " + product.statusCode() + " X-Cache " + xcache);
            }
            HttpResponse<String> status = Http.get(app.uri("/status"));
            if (status.statusCode() != 200) {
                return Optional.of("status " + status.statusCode());
            }
            return Optional.empty();
        }

        /** Polls rounds until one is all good; milliseconds from {@code since} (a nanoTime) to its end. */
        long awaitRecovered(long since) {
            long deadline = since + RECOVERY.toNanos();
            Optional<String> last = Optional.of("no round yet");
            while (System.nanoTime() - deadline < 0) {
                last = allGood();
                if (last.isEmpty()) {
                    return (System.nanoTime() - since) / 1_000_000L;
                }
                pause(20);
            }
            throw new AssertionError("not recovered within " + RECOVERY.toSeconds() + " s of the failover; last: " + last.get());
        }

        /** The status probe and the rate-limited path keep answering well, probe after probe. */
        void assertSteady() {
            for (int i = 0; i < STEADY_PROBES; i++) {
                HttpResponse<String> status = Http.get(app.uri("/status"));
                assertThat(status.statusCode()).as("status probe %d after recovery: %s", i, status.body()).isEqualTo(200);
                HttpResponse<String> plain = Http.get(app.uri("/api/plain"));
                assertThat(plain.headers().firstValue("X-RateLimit-Limit")).as("rate-limit headers, probe %d", i).isPresent();
                pause(40); // spread the probes over about one second of breaker retry intervals
            }
            assertThat(allGood()).isEmpty();
        }

        private static void pause(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
