package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.internal.client.CircuitBreaker;
import io.github.redisfilters.internal.client.Commands;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.client.ReadPlan;
import io.github.redisfilters.internal.client.Replies;
import io.github.redisfilters.internal.client.Results;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RoundTrips;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Plans sent together: one pipelined round trip, each plan its own replies and its own errors. */
class PlanSenderIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    static final LuaScript INCR = LuaScript.of("incr.lua", "return redis.call('INCRBY', KEYS[1], ARGV[1])");

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A script call plan: INCRBY key by n. */
    record Incr(String key, int n) implements ReadPlan<Long> {
        @Override
        public void addTo(Commands commands) {
            commands.eval(INCR, List.of(b(key)), List.of(b(Integer.toString(n))));
        }

        @Override
        public Long decide(Replies replies) {
            return replies.number(0);
        }
    }

    /** Two commands in one plan: GET a, MGET b c. */
    record Reads(String a, String bKey, String c) implements ReadPlan<List<String>> {
        @Override
        public void addTo(Commands commands) {
            commands.get(b(a));
            commands.mget(List.of(b(bKey), b(c)));
        }

        @Override
        public List<String> decide(Replies replies) {
            List<String> out = new ArrayList<>();
            out.add(text(replies.bytes(0)));
            for (Object o : replies.list(1)) {
                out.add(text((byte[]) o));
            }
            return out;
        }
    }

    static String text(byte[] v) {
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    static long readsDuring(Runnable r) {
        try (RoundTrips rt = new RoundTrips(REDIS.process())) {
            return rt.of(r);
        }
    }

    @Test
    void plansOfSeveralFiltersTravelInOneRoundTripAndEachGetsItsOwnReplies() {
        SharedRedisClient c = REDIS.newClient();
        try (Jedis j = REDIS.process().admin()) {
            j.set("a", "1");
            j.set("c", "3");
        }
        c.send(new Incr("warm", 1)); // connection and script cached
        Incr first = new Incr("n", 2);
        Reads reads = new Reads("a", "b", "c");
        Incr second = new Incr("n", 5);
        Results[] results = new Results[1];
        long roundTrips = readsDuring(() -> results[0] = c.send(List.of(first, reads, second)));
        assertThat(roundTrips).as("server read events for three plans, four commands").isEqualTo(1);
        assertThat(results[0].get(first)).isEqualTo(2L);
        assertThat(results[0].get(reads)).containsExactly("1", null, "3");
        assertThat(results[0].get(second)).isEqualTo(7L);
    }

    @Test
    void aFlushedScriptIsReloadedForTheOnePlanThatNeedsIt() {
        SharedRedisClient c = REDIS.newClient();
        c.send(new Incr("n", 1));
        try (Jedis j = REDIS.process().admin()) {
            j.scriptFlush();
        }
        REDIS.process().resetStats();
        Incr inc = new Incr("n", 1);
        Reads reads = new Reads("n", "x", "y");
        Results r = c.send(List.of(reads, inc));
        assertThat(r.get(inc)).isEqualTo(2L);
        assertThat(r.get(reads)).containsExactly("1", null, null);
        assertThat(REDIS.process().commandStats()).containsEntry("evalsha", 1L).containsEntry("eval", 1L)
                .as("the script ran once, not twice").containsEntry("incrby", 1L);
    }

    @Test
    void anErrorReplyFailsOnlyThePlanItBelongsTo() {
        SharedRedisClient c = REDIS.newClient();
        try (Jedis j = REDIS.process().admin()) {
            j.hset("h", "f", "v"); // INCRBY on a hash: WRONGTYPE
        }
        Incr wrong = new Incr("h", 1);
        Incr right = new Incr("n", 3);
        Results r = c.send(List.of(wrong, right));
        assertThatThrownBy(() -> r.get(wrong)).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("WRONGTYPE");
        assertThat(r.get(right)).isEqualTo(3L);
        assertThat(c.breaker().state()).as("Redis answered: not an outage").isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void whenRedisIsDownEveryPlanFailsAndTheBreakerCountsOneFailurePerBatch() {
        SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().url(REDIS.process().url())
                .connectTimeout(Duration.ofMillis(200)).socketTimeout(Duration.ofMillis(200)).failureThreshold(2).build());
        try {
            c.send(new Incr("n", 1));
            REDIS.process().kill();
            Incr a = new Incr("n", 1);
            Reads b = new Reads("a", "b", "c");
            Results r = c.send(List.of(a, b));
            assertThatThrownBy(() -> r.get(a)).isInstanceOf(RedisUnavailableException.class);
            assertThatThrownBy(() -> r.get(b)).isInstanceOf(RedisUnavailableException.class);
            assertThat(c.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
            c.send(List.of(new Incr("n", 1), new Incr("m", 1)));
            assertThat(c.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        } finally {
            c.close();
        }
    }

    @Test
    void onClusterEachNodeGetsItsOwnPipelineAndEveryPlanItsReplies() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false)) {
            SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().clusterNodes(cluster.seeds()).build());
            try {
                List<Incr> plans = new ArrayList<>();
                for (int i = 0; i < 12; i++) { // keys spread over the three masters
                    plans.add(new Incr("{k" + i + "}:n", i));
                }
                Results r = c.send(plans);
                for (int i = 0; i < 12; i++) {
                    assertThat(r.get(plans.get(i))).isEqualTo((long) i);
                }
                for (var m : cluster.masters()) {
                    try (Jedis j = m.admin()) {
                        j.scriptFlush();
                    }
                }
                Results again = c.send(plans);
                for (int i = 0; i < 12; i++) {
                    assertThat(again.get(plans.get(i))).as("after NOSCRIPT on every node").isEqualTo(2L * i);
                }
                long keysPerMaster = cluster.masters().stream().filter(m -> {
                    try (Jedis j = m.admin()) {
                        return j.dbSize() > 0;
                    }
                }).count();
                assertThat(keysPerMaster).as("the plans really spanned several nodes").isGreaterThan(1);
            } finally {
                c.close();
            }
        }
    }

    /** Whether the plan's key lives on the first master (slots 0–5460, as {@link RedisClusterGroup} assigns them). */
    private static boolean onFirstMaster(Incr plan) {
        return redis.clients.jedis.util.JedisClusterCRC16.getSlot(plan.key()) <= 5460;
    }

    @Test
    void onClusterANodeWhoseConnectionsBrokeFailsOnlyItsOwnPlansAndTheSlotMapIsRenewed() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false)) {
            SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().clusterNodes(cluster.seeds()).build());
            try {
                List<Incr> plans = new ArrayList<>();
                for (int i = 0; i < 12; i++) { // keys spread over the three masters
                    plans.add(new Incr("{k" + i + "}:n", 1));
                }
                c.send(plans); // every node's pool holds a connection now
                assertThat(c.slotMapRenewals()).isZero();
                var broken = cluster.masters().get(0);
                try (Jedis j = broken.admin()) {
                    j.clientKill(new redis.clients.jedis.params.ClientKillParams()
                            .type(redis.clients.jedis.args.ClientType.NORMAL).skipMe(redis.clients.jedis.params.ClientKillParams.SkipMe.YES));
                }
                Results r = c.send(plans);
                int failed = 0;
                for (Incr plan : plans) {
                    if (onFirstMaster(plan)) {
                        assertThatThrownBy(() -> r.get(plan)).as(plan.key()).isInstanceOf(RedisUnavailableException.class);
                        failed++;
                    } else {
                        assertThat(r.get(plan)).as(plan.key() + " on a healthy node").isEqualTo(2L);
                    }
                }
                assertThat(failed).as("plans on the node whose connections broke").isPositive().isLessThan(plans.size());
                assertThat(c.breaker().state()).as("the other nodes answered").isEqualTo(CircuitBreaker.State.CLOSED);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.slotMapRenewals() >= 1);
                assertThat(c.slotMapRenewals()).as("one failure, one renewal").isEqualTo(1);
                Results again = c.send(plans);
                for (Incr plan : plans) {
                    // nothing ran on the node whose connections broke: its commands never reached it
                    assertThat(again.get(plan)).as(plan.key() + " once reconnected").isEqualTo(onFirstMaster(plan) ? 2L : 3L);
                }
            } finally {
                c.close();
            }
        }
    }

    /**
     * A Cluster node that hangs (here: {@code CLIENT PAUSE}) costs each batch touching it a read
     * timeout only until it failed {@code failureThreshold} times in a row; then its commands fail
     * at once, without being sent, while the other nodes' plans are served and the client's own
     * breaker stays closed.
     */
    @Test
    void onClusterANodeThatKeepsTimingOutIsNoLongerAskedAfterTheThresholdWhileTheOthersServe() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false)) {
            SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().clusterNodes(cluster.seeds())
                    .socketTimeout(Duration.ofMillis(300)).failureThreshold(3).retryInterval(Duration.ofSeconds(60)).build());
            try {
                List<Incr> plans = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    plans.add(new Incr("{p" + i + "}:n", 1));
                }
                c.send(plans);
                try (Jedis j = cluster.masters().get(0).admin()) {
                    j.clientPause(20_000); // it keeps its connections and answers nothing
                }
                for (int round = 1; round <= 4; round++) {
                    Results r = c.send(plans);
                    for (Incr plan : plans) {
                        if (onFirstMaster(plan)) {
                            int n = round;
                            assertThatThrownBy(() -> r.get(plan)).as("round %d, %s", n, plan.key())
                                    .isInstanceOf(RedisUnavailableException.class)
                                    .satisfies(e -> assertThat(messages(e).contains("is not asked")).as("failed without being sent")
                                            .isEqualTo(n > 3));
                        } else {
                            assertThat(r.get(plan)).as(plan.key() + " on a healthy node").isEqualTo(1L + round);
                        }
                    }
                }
                assertThat(c.breaker().state()).as("the other nodes answered").isEqualTo(CircuitBreaker.State.CLOSED);
            } finally {
                c.close();
            }
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
