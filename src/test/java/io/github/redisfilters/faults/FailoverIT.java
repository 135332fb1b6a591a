package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.RedisSentinelGroup;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

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

    @Test
    void clusterMasterKilledReplicaPromotedSessionsStillServed() throws Exception {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(true);
             ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup("redis://unused:1", Map.of(
                     "redisClusterNodes", cluster.seedsParam())))) {
            HttpResponse<String> created = Http.post(app.uri("/api/cart"), "");
            String cookie = created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            assertThat(Http.post(app.uri("/api/cart"), "", "Cookie", cookie).body()).isEqualTo("{\"n\":2}");
            String id = cookie.substring(cookie.indexOf('=') + 1);
            int slot = JedisClusterCRC16.getSlot("{" + id + "}");
            int owner = slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
            RedisProcess master = cluster.masters().get(owner);
            RedisProcess replica = cluster.replicas().get(owner);
            awaitReplicated(master, replica);

            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService load = load(app, cookie, statuses, running);
            master.kill();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (Jedis j = replica.admin()) {
                    return j.info("replication").contains("role:master");
                }
            });
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cartCount(app, cookie) == 2);
            stop(load, running);
            LOG.info("cluster failover under load: statuses {}", histogram(statuses));
            assertThat(statuses).doesNotContain(500).contains(200);
            // writes reach the promoted replica too (MOVED followed)
            assertThat(Http.post(app.uri("/api/cart"), "", "Cookie", cookie).body()).isEqualTo("{\"n\":3}");
        }
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
        ExecutorService load = Executors.newFixedThreadPool(3);
        for (String path : List.of("/api/plain", "/api/products/3", "/api/cart")) {
            load.submit(() -> {
                while (running.get()) {
                    statuses.add(Http.get(app.uri(path), "Cookie", cookie).statusCode());
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
