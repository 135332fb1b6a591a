package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.CircuitBreaker;
import io.github.redisfilters.internal.client.Commands;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.client.Plan;
import io.github.redisfilters.internal.client.Replies;
import io.github.redisfilters.internal.client.Results;
import io.github.redisfilters.testing.LogCapture;
import io.github.redisfilters.testing.ManagedRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The shared client alone across a managed failover behind one address: a write refused with
 * {@code READONLY} runs once more on the promoted node and exactly once in all; a pipelined batch
 * likewise; while the address still points at the demoted node the client reports Redis down
 * (no UP/DOWN flapping) and writes nothing; one WARN and one INFO for the whole event.
 */
class ManagedFailoverClientIT {
    private static final String CLIENT_WARN = " WARN io.github.redisfilters.client.";
    private static final String CLIENT_INFO = " INFO io.github.redisfilters.client.";
    private static final LuaScript INCR = LuaScript.of("incr", "return redis.call('INCR', KEYS[1])");

    private static SharedRedisClient client(ManagedRedis redis) {
        return SharedRedisClient.create(RedisSettings.builder().url(redis.url())
                .retryInterval(Duration.ofMillis(100)).build());
    }

    @Test
    void aWriteRefusedWithReadonlyRunsOnceMoreOnThePromotedNodeAndOnceInAll() {
        try (ManagedRedis redis = ManagedRedis.start()) {
            SharedRedisClient c = client(redis);
            try (LogCapture log = LogCapture.start()) {
                assertThat(c.<Long>call(j -> j.incr("n"))).isEqualTo(1L); // leaves a pooled connection on the primary
                assertThat(c.poolRenewals()).isZero();
                redis.awaitInSync();
                redis.failover();
                assertThat(c.<Long>call(j -> j.incr("n"))).as("READONLY on the old connection, then the new primary").isEqualTo(2L);
                assertThat(c.poolRenewals()).as("one failover, one renewal (operators see it in poolRenewals)").isEqualTo(1);
                try (Jedis promoted = redis.primary().admin()) {
                    assertThat(promoted.get("n")).isEqualTo("2");
                }
                assertThat(c.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
                assertThat(log.lines(CLIENT_WARN, "READONLY")).as(log.text()).isEqualTo(1);
                assertThat(log.lines(CLIENT_INFO, "answers as a primary again")).as(log.text()).isEqualTo(1);
            } finally {
                c.close();
            }
        }
    }

    @Test
    void aPipelinedBatchWithAReadonlyReplyIsSentOnceMoreAsAWhole() {
        try (ManagedRedis redis = ManagedRedis.start()) {
            SharedRedisClient c = client(redis);
            try {
                Plan<Object> read = plan(cmds -> cmds.get(b("seen")));
                Plan<Object> write = plan(cmds -> cmds.eval(INCR, List.of(b("counter")), List.of()));
                Results first = c.send(List.of(read, write));
                assertThat(first.get(write)).isEqualTo(1L);
                redis.awaitInSync();
                redis.failover();
                Results second = c.send(List.of(read, write));
                assertThat(second.get(write)).as("the batch re-sent on the promoted node").isEqualTo(2L);
                try (Jedis promoted = redis.primary().admin()) {
                    assertThat(promoted.get("counter")).as("the script ran once").isEqualTo("2");
                }
            } finally {
                c.close();
            }
        }
    }

    @Test
    void whileTheAddressStillPointsAtTheDemotedNodeRedisIsDownAndNothingIsWritten() {
        try (ManagedRedis redis = ManagedRedis.start()) {
            SharedRedisClient c = client(redis);
            try (LogCapture log = LogCapture.start()) {
                assertThat(c.<Long>call(j -> j.incr("n"))).isEqualTo(1L);
                redis.awaitInSync();
                redis.promoteReplica(); // the name has not moved yet
                for (int i = 0; i < 20; i++) {
                    assertThatThrownBy(() -> c.call(j -> j.incr("n"))).isInstanceOf(RedisUnavailableException.class);
                    assertThat(c.ping().up()).as("ping %d while only the demoted node is reachable", i).isFalse();
                    pause(20); // spans several breaker retry intervals (100 ms): probes must fail too
                }
                redis.moveAddress();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                Long n = null;
                while (n == null && System.nanoTime() - deadline < 0) {
                    try {
                        n = c.<Long>call(j -> j.incr("n"));
                    } catch (RedisUnavailableException e) {
                        pause(20);
                    }
                }
                assertThat(n).as("the refused writes wrote nothing; the first accepted one is the second increment").isEqualTo(2L);
                assertThat(c.ping().up()).isTrue();
                assertThat(log.lines(CLIENT_WARN)).as(log.text()).isEqualTo(1);
                assertThat(log.lines(CLIENT_INFO)).as(log.text()).isEqualTo(1);
            } finally {
                c.close();
            }
        }
    }

    private static Plan<Object> plan(java.util.function.Consumer<Commands> commands) {
        return new Plan<>() {
            @Override
            public void addTo(Commands c) {
                commands.accept(c);
            }

            @Override
            public Object decide(Replies replies) {
                return replies.get(0);
            }
        };
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
