package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.internal.client.CircuitBreaker;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class SharedRedisClientIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    private static SharedRedisClient client() {
        return SharedRedisClient.create(RedisSettings.builder().url(REDIS.process().url())
                .socketTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofMillis(300))
                .retryInterval(Duration.ofMillis(100)).build());
    }

    @Test
    void luaScriptRecoversFromNoscriptAfterScriptFlush() {
        LuaScript script = LuaScript.of("incrby.lua", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
        SharedRedisClient c = client();
        try {
            assertThat(c.eval(script, List.of("k"), List.of("2"))).isEqualTo(2L);
            try (Jedis j = REDIS.process().admin()) {
                j.scriptFlush();
            }
            REDIS.process().resetStats();
            assertThat(c.eval(script, List.of("k"), List.of("3"))).isEqualTo(5L);
            assertThat(c.eval(script, List.of("k"), List.of("1"))).isEqualTo(6L);
            assertThat(REDIS.process().commandStats()).containsEntry("evalsha", 2L).containsEntry("eval", 1L);
        } finally {
            c.close();
        }
    }

    @Test
    void luaScriptFromResourceHasRedisSha() {
        LuaScript script = LuaScript.of("x", "return 1");
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.scriptLoad(script.source())).isEqualTo(script.sha1());
        }
    }

    @Test
    void breakerOpensOnAStoppedRedisShortCircuitsAndClosesWhenItReturns() {
        // a retry interval the 1000 refused calls fit in even on a loaded machine (with 100 ms a
        // probe could be let through in the middle of them)
        SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().url(REDIS.process().url())
                .socketTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofMillis(300))
                .retryInterval(Duration.ofSeconds(3)).build());
        try {
            assertThat(c.ping().up()).isTrue();
            REDIS.process().stop();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> c.call(j -> j.get("k"))).isInstanceOf(RedisUnavailableException.class);
            }
            assertThat(c.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
            for (int i = 0; i < 1000; i++) {
                assertThatThrownBy(() -> c.call(j -> j.get("k")))
                        .isInstanceOf(RedisUnavailableException.class)
                        .hasMessageContaining("circuit breaker is open");
            }
            assertThat(c.breaker().rejectedInCurrentOutage()).isGreaterThanOrEqualTo(1000);
            assertThat(c.breaker().openings()).as("one outage, one opening (one WARN)").isEqualTo(1);
            assertThat(c.ping().up()).isFalse();

            REDIS.process().launch();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> c.ping().up());
            assertThat(c.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat((String) c.call(j -> j.set("k", "v"))).isEqualTo("OK");
        } finally {
            c.close();
        }
    }

    @Test
    void clientCreatedWhileRedisIsDownWorksOnceItIsUp() {
        int port = RedisProcess.freePort();
        SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().host("127.0.0.1").port(port)
                .retryInterval(Duration.ofMillis(50)).build());
        try {
            assertThat(c.ping().up()).isFalse();
            try (RedisProcess late = RedisProcess.prepare(port, List.of(), false).launch()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> c.ping().up());
            }
        } finally {
            c.close();
        }
    }

    @Test
    void redisErrorsThatAreNotOutagesDoNotOpenTheBreaker() {
        SharedRedisClient c = client();
        try {
            c.call(j -> j.set("s", "text"));
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> c.call(j -> j.incr("s"))).isInstanceOf(RedisUnavailableException.class)
                        .hasMessageContaining("not an integer");
            }
            assertThat(c.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        } finally {
            c.close();
        }
    }

    @Test
    void aNodeThatIsAReplicaCountsAsAnOutageNotAsBadCommands() {
        // a client pointing at a node that is a replica (a failover without Sentinel whose address
        // was not moved): new connections are refused (HELLO says replica), pooled ones answer READONLY
        try (RedisProcess replica = RedisProcess.start("--replicaof", "127.0.0.1", String.valueOf(REDIS.process().port()))) {
            SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().url(replica.url())
                    .retryInterval(Duration.ofMillis(100)).build());
            try {
                for (int i = 0; i < 3; i++) {
                    assertThatThrownBy(() -> c.call(j -> j.set("k", "v")))
                            .isInstanceOf(RedisUnavailableException.class).hasMessageContaining("replica");
                }
                assertThat(c.breaker().state()).as("a replica opens the breaker like an outage")
                        .isEqualTo(CircuitBreaker.State.OPEN);
            } finally {
                c.close();
            }
        }
    }

    @Test
    void closeIsIdempotentAndRefusesLaterCalls() {
        SharedRedisClient c = client();
        c.call(j -> j.ping());
        c.close();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(() -> c.call(j -> j.ping())).isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("closed");
    }
}
