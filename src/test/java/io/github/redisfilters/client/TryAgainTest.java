package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.github.redisfilters.internal.client.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Redis Cluster answers {@code TRYAGAIN} to a multi-key command while the keys' slot is half
 * migrated. That is neither an outage (the breaker must not open, or a routine reshard would take
 * every filter down) nor an answer (failing open would admit requests uncounted): the call is
 * repeated until the migration moved the rest of the keys, for up to the socket timeout.
 * {@code SlotMigrationIT} shows it against a real reshard.
 */
class TryAgainTest {
    private static final JedisDataException TRYAGAIN = new JedisDataException("TRYAGAIN Multiple keys request during rehashing of slot");

    private final SharedRedisClient client = SharedRedisClient.create(RedisSettings.builder().client(mock(UnifiedJedis.class))
            .socketTimeout(Duration.ofMillis(300)).failureThreshold(3).build());

    @Test
    void tryAgainIsRepeatedUntilTheKeysAreTogether() {
        AtomicInteger attempts = new AtomicInteger();
        String result = client.call(j -> {
            if (attempts.incrementAndGet() <= 5) {
                throw TRYAGAIN;
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(6);
        assertThat(client.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aSlotThatStaysSplitEndsInTheFailureModeWithoutOpeningTheBreaker() {
        AtomicInteger attempts = new AtomicInteger();
        long start = System.nanoTime();
        for (int call = 0; call < 4; call++) { // more calls than the failure threshold
            assertThatThrownBy(() -> client.call(j -> {
                attempts.incrementAndGet();
                throw TRYAGAIN;
            })).isInstanceOf(RedisUnavailableException.class).hasMessageContaining("TRYAGAIN");
        }
        assertThat(attempts.get()).as("each call tried more than once").isGreaterThan(4);
        assertThat(client.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(client.breaker().openings()).isZero();
        org.slf4j.LoggerFactory.getLogger(TryAgainTest.class).info("4 calls on a slot that stayed split: {} attempts in {} ms",
                attempts.get(), (System.nanoTime() - start) / 1_000_000L);
    }

    @Test
    void otherClusterErrorsStillCountAsAnOutage() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.call(j -> {
                throw new JedisDataException("CLUSTERDOWN The cluster is down");
            })).isInstanceOf(RedisUnavailableException.class);
        }
        assertThat(client.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
