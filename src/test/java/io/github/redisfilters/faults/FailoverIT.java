package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.RedisSentinelGroup;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The master holding a session dies under load — a Sentinel failover and a Cluster failover —
 * and the session written before it is still served after it (from the promoted replica), with
 * no 5xx but the fail-closed 503s of the outage itself.
 */
class FailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverIT.class);

    @Test
    void sentinelFailoverUnderLoadKeepsSessions() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start();
             ServletContainer app = ContainerKind.TOMCAT.start(AllFiltersApp.setup("redis://unused:1", Map.of(
                     "redisSentinelMaster", RedisSentinelGroup.MASTER_NAME,
                     "redisSentinelNodes", group.sentinelNodesParam())))) {
            String cookie = createCart(app);
            awaitReplicated(group.master(), group.replica());
            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService load = load(app, cookie, statuses, running);
            group.killMasterAndAwaitFailover();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cartCount(app, cookie) == 2);
            stop(load, running);
            LOG.info("sentinel failover under load: statuses {}", histogram(statuses));
            assertThat(statuses).doesNotContain(500).contains(200);
        }
    }

    /**
     * The primary holding the client's rate-limit counters and its session dies under load and its
     * replica is promoted: requests in between get the filters' failure modes (never a 500), and
     * shortly after the promotion every request is served again, by the new primary, session
     * included.
     *
     * <p>The load is made of requests whose lookups all travel as one pipelined batch of two
     * commands (rate limit + cache lookup, rate limit + blacklist check), and the rate-limit rule
     * fails closed, so a request is answered 200 only when its batch reached the node holding the
     * counters. No lone command reaches the dead node, so Jedis' own slot map renewal (made only on
     * its single-command path) never runs: only the library renewing the map when a per-node
     * pipeline loses its node brings the requests back; without it the await below times out (the
     * batches keep asking the dead node), or fails earlier with the {@code NullPointerException}
     * ("connection" is null) that Jedis' own cluster pipeline throws on one of its threads after a
     * node broke, which Awaitility reports. In the unbatched run ({@code chainBatching=false}) every
     * filter sends its own lone command; the outcome must be the same.
     */
    @Test
    void clusterMasterKilledReplicaPromotedSessionsStillServed() throws Exception {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(true);
             ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup("redis://unused:1",
                     Map.of("redisClusterNodes", cluster.seedsParam()),
                     Map.of("rules", "/api/** 1000000/1m fixed by ip failure closed")))) {
            assertThat(Http.get(app.uri(PRODUCT)).statusCode()).isEqualTo(200);
            int owner = ownerOf(cluster, "faults:ratelimit:*");
            assertThat(owner).as("the node of the rate-limit counters").isNotNegative();
            String cookie;
            do { // a session on that node too (each new one: 1 chance in 3)
                cookie = createCart(app);
            } while (ownerOf(cluster, "faults:session:*" + sessionId(cookie).substring(8)) != owner);
            RedisProcess master = cluster.masters().get(owner);
            RedisProcess replica = cluster.replicas().get(owner);
            awaitReplicated(master, replica);
            long renewalsBefore = slotMapRenewals(app);
            String bearer = "Bearer " + AllFiltersApp.token("t-failover", Instant.now().getEpochSecond(),
                    Instant.now().getEpochSecond() + 3600);
            assertThat(batchedServed(app, bearer, 1)).isTrue();

            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService load = load(app, statuses, running, List.of(
                    () -> Http.get(app.uri(PRODUCT)),
                    () -> Http.get(app.uri("/api/me"), "Authorization", bearer)));
            master.kill();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (Jedis j = replica.admin()) {
                    return j.info("replication").contains("role:master");
                }
            });
            // back for good: a round of consecutive batched requests, all served
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> batchedServed(app, bearer, 10));
            stop(load, running);
            LOG.info("cluster failover under load: statuses {}", histogram(statuses));
            assertThat(statuses).as("statuses during the failover").doesNotContain(500).contains(200, 503);
            assertThat(renewalsBefore).as("slot map renewals before any node was lost").isZero();
            assertThat(slotMapRenewals(app)).as("slot map renewals after the node was lost").isPositive();
            // the session written before the failover is served by the promoted replica, and written to
            assertThat(cartCount(app, cookie)).isEqualTo(2);
            assertThat(Http.post(app.uri("/api/cart"), "", "Cookie", cookie).body()).isEqualTo("{\"n\":3}");
        }
    }

    private static final String PRODUCT = "/api/products/3";

    /**
     * {@code rounds} times in a row the product (rate limit + cache lookup) and {@code /api/me}
     * with a token (rate limit + blacklist check) answered 200; false at the first other answer.
     */
    private static boolean batchedServed(ServletContainer app, String bearer, int rounds) {
        for (int i = 0; i < rounds; i++) {
            if (Http.get(app.uri(PRODUCT)).statusCode() != 200
                    || Http.get(app.uri("/api/me"), "Authorization", bearer).statusCode() != 200) {
                return false;
            }
        }
        return true;
    }

    /** The index of the master holding a key matching {@code pattern}, or -1. */
    private static int ownerOf(RedisClusterGroup cluster, String pattern) {
        for (int i = 0; i < cluster.masters().size(); i++) {
            try (Jedis j = cluster.masters().get(i).admin()) {
                if (!j.keys(pattern).isEmpty()) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String sessionId(String cookie) {
        return cookie.substring(cookie.indexOf('=') + 1);
    }

    /** The client figure {@code slotMapRenewals} as the status servlet shows it; -1 when it shows none. */
    private static long slotMapRenewals(ServletContainer app) throws Exception {
        JsonNode client = new ObjectMapper().readTree(Http.get(app.uri("/status")).body()).path("redis").path(0);
        return client.path("slotMapRenewals").asLong(-1);
    }

    private static String createCart(ServletContainer app) {
        HttpResponse<String> created = Http.post(app.uri("/api/cart"), "");
        String cookie = created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(Http.post(app.uri("/api/cart"), "", "Cookie", cookie).body()).isEqualTo("{\"n\":2}");
        return cookie;
    }

    private static int cartCount(ServletContainer app, String cookie) {
        HttpResponse<String> r = Http.get(app.uri("/api/cart"), "Cookie", cookie);
        return r.statusCode() == 200 && r.body().startsWith("{\"n\":") ? Integer.parseInt(r.body().replaceAll("\\D", "")) : -1;
    }

    private static void awaitReplicated(RedisProcess master, RedisProcess replica) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Jedis m = master.admin(); Jedis r = replica.admin()) {
                return offset(m.info("replication"), "master_repl_offset:") == offset(r.info("replication"), "slave_repl_offset:");
            }
        });
    }

    private static long offset(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim());
            }
        }
        return -1;
    }

    private static ExecutorService load(ServletContainer app, String cookie, ConcurrentLinkedQueue<Integer> statuses,
            AtomicBoolean running) {
        return load(app, statuses, running, Stream.of("/api/plain", PRODUCT, "/api/cart")
                .<Supplier<HttpResponse<String>>>map(path -> () -> Http.get(app.uri(path), "Cookie", cookie)).toList());
    }

    /** One thread per request kind, each sending it again and again while {@code running}. */
    private static ExecutorService load(ServletContainer app, ConcurrentLinkedQueue<Integer> statuses, AtomicBoolean running,
            List<Supplier<HttpResponse<String>>> requests) {
        ExecutorService load = Executors.newFixedThreadPool(requests.size());
        for (Supplier<HttpResponse<String>> request : requests) {
            load.submit(() -> {
                while (running.get()) {
                    statuses.add(request.get().statusCode());
                }
                return null;
            });
        }
        return load;
    }

    private static void stop(ExecutorService load, AtomicBoolean running) throws InterruptedException {
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private static Map<Integer, Long> histogram(ConcurrentLinkedQueue<Integer> statuses) {
        return statuses.stream().collect(java.util.stream.Collectors.groupingBy(i -> i, java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }
}
