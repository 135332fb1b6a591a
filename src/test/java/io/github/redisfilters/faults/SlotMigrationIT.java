package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Redis Cluster slot holding a session, a client's rate-limit counters and a cached response is
 * resharded to another master with the real protocol ({@code CLUSTER SETSLOT IMPORTING/MIGRATING},
 * {@code MIGRATE} in two batches, {@code CLUSTER SETSLOT NODE} on every master) while requests flow.
 *
 * <p>Phases of the rate-limited client (6 concurrent requests each, limit 26 in 10 minutes, two
 * policies so that its check is a two-key script):
 * <ol>
 *   <li>before the migration;</li>
 *   <li>slot MIGRATING/IMPORTING, every key still on the source;</li>
 *   <li>keys split: one rate-limit key moved, the other not — Redis answers the two-key script
 *       {@code TRYAGAIN} (it ran nothing); the requests must wait for the rest of the keys rather
 *       than fail open, and must not open the circuit breaker;</li>
 *   <li>every key moved, slot not yet reassigned — the source answers {@code ASK}, Jedis follows
 *       with {@code ASKING} (and the target, which never ran our scripts, answers {@code NOSCRIPT}
 *       to the {@code EVALSHA}, so {@code EVAL} follows the same way);</li>
 *   <li>slot reassigned — the client's stale slot map earns a {@code MOVED};</li>
 *   <li>after.</li>
 * </ol>
 * Exactly 26 of the 36 requests are admitted. Meanwhile one client keeps incrementing a session
 * counter (every write lands, none lost or forked) and another keeps reading a cached response
 * (a hit throughout: the entry moves with the slot).
 */
class SlotMigrationIT {
    private static final Logger LOG = LoggerFactory.getLogger(SlotMigrationIT.class);
    private static final int LIMIT = 26;
    private static final int PER_PHASE = 6;

    @Test
    void slotMigrationUnderLoadKeepsSessionsCountsAndCacheEntries() throws Exception {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false);
             ServletContainer app = ContainerKind.JETTY.start(AllFiltersApp.setup("redis://unused:1",
                     Map.of("redisClusterNodes", cluster.seedsParam(), "keyPrefix", "mig:",
                             // TRYAGAIN is retried for up to the socket timeout; generous on a busy machine
                             "redisSocketTimeout", "2s"),
                     Map.of("rules", "limited: /api/limited " + LIMIT + "/10m sliding, 1000/1d fixed by ip",
                             "trustedProxies", "127.0.0.1/32")))) {
            HttpResponse<String> created = Http.post(app.uri("/api/cart"), "");
            assertThat(created.statusCode()).isEqualTo(200);
            String cookie = created.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            String sessionId = cookie.substring(cookie.indexOf('=') + 1);
            int slot = JedisClusterCRC16.getSlot(io.github.redisfilters.session.SessionKeys.key("mig:", sessionId));
            String clientIp = addressInSlot(slot);
            String product = "/api/products/" + productInSlot(slot);

            RedisProcess source = cluster.masters().get(slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2);
            RedisProcess target = cluster.masters().stream().filter(m -> m != source).findFirst().orElseThrow();
            String sourceId = nodeId(source);
            String targetId = nodeId(target);

            ExecutorService limited = Executors.newFixedThreadPool(PER_PHASE);
            List<List<Integer>> phases = new ArrayList<>();
            phases.add(statuses(phase(limited, app, clientIp))); // 1: before
            assertThat(Http.get(app.uri(product)).headers().firstValue("X-Cache")).hasValue("MISS");
            // the miss is stored while (or just after) its response reaches the client: wait for the entry
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> Http.get(app.uri(product)).headers().firstValue("X-Cache").orElse(""), "HIT"::equals);

            List<String> keys;
            try (Jedis s = source.admin()) {
                keys = s.clusterGetKeysInSlot(slot, 100);
            }
            List<String> rateKeys = keys.stream().filter(k -> k.startsWith("mig:ratelimit:{ip:" + clientIp + "}:")).sorted().toList();
            assertThat(keys).as("the keys this test migrates lie in slot %d", slot)
                    .hasSize(4)
                    .contains(io.github.redisfilters.session.SessionKeys.key("mig:", sessionId), "mig:cache:{" + product + "}");
            assertThat(rateKeys).hasSize(2);
            try (Jedis s = source.admin()) {
                for (String k : keys) {
                    assertThat(s.clusterKeySlot(k)).isEqualTo(slot);
                }
            }

            // background load on the same slot: a session writer and a cache reader
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> sessionReplies = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> cacheReplies = new ConcurrentLinkedQueue<>();
            ExecutorService background = Executors.newFixedThreadPool(2);
            background.submit(() -> {
                while (running.get()) {
                    HttpResponse<String> r = Http.post(app.uri("/api/cart"), "", "Cookie", cookie);
                    sessionReplies.add(r.statusCode() + " " + r.body());
                }
                return null;
            });
            background.submit(() -> {
                while (running.get()) {
                    HttpResponse<String> r = Http.get(app.uri(product));
                    cacheReplies.add(r.statusCode() + " " + r.headers().firstValue("X-Cache").orElse("-"));
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> sessionReplies.size() >= 3 && cacheReplies.size() >= 3);

            long start = System.nanoTime();
            try (Jedis s = source.admin(); Jedis t = target.admin()) {
                t.clusterSetSlotImporting(slot, sourceId);
                s.clusterSetSlotMigrating(slot, targetId);
                phases.add(statuses(phase(limited, app, clientIp))); // 2: migrating, nothing moved

                long tryAgainBefore = errorStat(source, "TRYAGAIN");
                s.migrate("127.0.0.1", target.port(), 0, 5000, new MigrateParams(), rateKeys.get(0));
                long splitAt = System.nanoTime();
                List<Future<Integer>> split = phase(limited, app, clientIp); // 3: keys split
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                        .until(() -> errorStat(source, "TRYAGAIN") >= tryAgainBefore + PER_PHASE || split.stream().allMatch(Future::isDone));
                assertThat(split).as("no request gives up (fails open) while the slot's keys are split")
                        .noneMatch(Future::isDone);
                List<String> rest = keys.stream().filter(k -> !k.equals(rateKeys.get(0))).toList();
                s.migrate("127.0.0.1", target.port(), 0, 5000, new MigrateParams(), rest.toArray(String[]::new));
                long splitMs = (System.nanoTime() - splitAt) / 1_000_000L;
                phases.add(statuses(split));
                long tryAgains = errorStat(source, "TRYAGAIN") - tryAgainBefore;

                long askingBefore = calls(target, "asking");
                phases.add(statuses(phase(limited, app, clientIp))); // 4: all moved, slot not reassigned
                long askings = calls(target, "asking") - askingBefore;
                assertThat(askings).as("ASK redirections followed with ASKING on the target").isGreaterThanOrEqualTo(PER_PHASE);

                long movedBefore = errorStat(source, "MOVED");
                t.clusterSetSlotNode(slot, targetId);
                s.clusterSetSlotNode(slot, targetId);
                for (RedisProcess other : cluster.masters()) {
                    if (other != source && other != target) {
                        try (Jedis o = other.admin()) {
                            o.clusterSetSlotNode(slot, targetId);
                        }
                    }
                }
                long migrationMs = (System.nanoTime() - start) / 1_000_000L;
                phases.add(statuses(phase(limited, app, clientIp))); // 5: reassigned
                long moved = errorStat(source, "MOVED") - movedBefore;
                assertThat(moved).as("the stale slot map was corrected by a MOVED").isPositive();
                phases.add(statuses(phase(limited, app, clientIp))); // 6: after
                long noScripts = errorStat(target, "NOSCRIPT");
                LOG.info("slot {} moved from :{} to :{} in {} ms; keys split for {} ms ({} TRYAGAIN answers), {} ASKING, {} MOVED,"
                        + " {} NOSCRIPT on the target then {} EVAL", slot, source.port(), target.port(), migrationMs, splitMs,
                        tryAgains, askings, moved, noScripts, calls(target, "eval"));
                assertThat(noScripts).as("EVALSHA redirected to a node without the script fell back to EVAL").isPositive();
                assertThat(tryAgains).as("the split phase did meet TRYAGAIN").isPositive();
            }
            running.set(false);
            background.shutdown();
            limited.shutdown();
            assertThat(background.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(limited.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            try (Jedis s = source.admin(); Jedis t = target.admin()) {
                assertThat(s.clusterCountKeysInSlot(slot)).isZero();
                assertThat(t.clusterCountKeysInSlot(slot)).isEqualTo(4);
            }
            List<Integer> all = phases.stream().flatMap(List::stream).toList();
            LOG.info("rate-limited client per phase (before, migrating, split, ask, moved, after): {}", phases);
            LOG.info("session writer: {} requests {}; cache reader: {} requests {}", sessionReplies.size(),
                    histogram(sessionReplies.stream().map(r -> r.substring(0, 3)).toList()), cacheReplies.size(),
                    histogram(cacheReplies.stream().toList()));
            assertThat(all).as("only 200 and 429").containsOnly(200, 429);
            assertThat(all.stream().filter(s -> s == 200).count()).as("exactly the limit is admitted").isEqualTo(LIMIT);
            assertThat(phases.get(5)).as("the limit holds after the migration").containsOnly(429);

            // every session write landed, in order: n = 2, 3, 4, ... with no 503, no lost or repeated write
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < sessionReplies.size(); i++) {
                expected.add("200 {\"n\":" + (i + 2) + "}");
            }
            assertThat(sessionReplies).containsExactlyElementsOf(expected);
            assertThat(Http.post(app.uri("/api/cart"), "", "Cookie", cookie).body())
                    .isEqualTo("{\"n\":" + (sessionReplies.size() + 2) + "}");
            assertThat(cacheReplies).as("the cached entry moved with the slot").containsOnly("200 HIT");

            SharedRedisClient client = SharedRedisClient.all(app.servletContext()).get(0);
            assertThat(client.breaker().openings()).as("a migration is not an outage").isZero();
        }
    }

    private static List<Future<Integer>> phase(ExecutorService pool, ServletContainer app, String clientIp) {
        List<Future<Integer>> out = new ArrayList<>();
        for (int i = 0; i < PER_PHASE; i++) {
            out.add(pool.submit(() -> Http.get(app.uri("/api/limited"), "X-Forwarded-For", clientIp).statusCode()));
        }
        return out;
    }

    private static List<Integer> statuses(List<Future<Integer>> futures) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (Future<Integer> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    /** An IPv4 address (only ever sent as an X-Forwarded-For value) whose rate-limit hash tag lies in {@code slot}. */
    private static String addressInSlot(int slot) {
        for (int i = 0; i < 1 << 24; i++) {
            String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            if (JedisClusterCRC16.getSlot("ip:" + ip) == slot) {
                return ip;
            }
        }
        throw new IllegalStateException("no address for slot " + slot);
    }

    /** A product id whose cache key (hash tag = the URL path) lies in {@code slot}. */
    private static int productInSlot(int slot) {
        for (int i = 0; ; i++) {
            if (JedisClusterCRC16.getSlot("/api/products/" + i) == slot) {
                return i;
            }
        }
    }

    private static String nodeId(RedisProcess p) {
        try (Jedis j = p.admin()) {
            return j.clusterMyId();
        }
    }

    private static long calls(RedisProcess p, String command) {
        return p.commandStats().getOrDefault(command, 0L);
    }

    /** {@code errorstat_<prefix>:count=N} from {@code INFO errorstats}. */
    private static long errorStat(RedisProcess p, String prefix) {
        try (Jedis j = p.admin()) {
            for (String line : j.info("errorstats").split("\r?\n")) {
                if (line.startsWith("errorstat_" + prefix + ":count=")) {
                    return Long.parseLong(line.substring(line.indexOf('=') + 1).trim());
                }
            }
        }
        return 0;
    }

    private static Map<String, Long> histogram(List<?> values) {
        return values.stream().collect(Collectors.groupingBy(String::valueOf, TreeMap::new, Collectors.counting()));
    }
}
