package io.github.redisfilters.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** The per-node breaker of Cluster pipelines: threshold, pause, one probe, forgotten on an answer. */
class NodeOutagesTest {
    static final HostAndPort A = new HostAndPort("10.0.0.1", 7000);
    static final HostAndPort B = new HostAndPort("10.0.0.2", 7000);
    final AtomicLong now = new AtomicLong(1_000);
    final NodeOutages outages = new NodeOutages(3, 500, now::get);

    @Test
    void aNodeIsAskedUntilItFailedThresholdTimesInARow() {
        JedisConnectionException lost = new JedisConnectionException("Read timed out");
        outages.failed(A, lost);
        outages.failed(A, lost);
        assertThat(outages.refusal(A)).isNull();
        outages.answered(A); // an answer resets the count
        outages.failed(A, lost);
        outages.failed(A, lost);
        assertThat(outages.refusal(A)).isNull();
        outages.failed(A, lost);
        assertThat(outages.refusal(A)).hasMessageContaining("is not asked");
        assertThat(outages.refusal(B)).as("other nodes unaffected").isNull();
    }

    @Test
    void afterThePauseOneCallerTriesTheNodeAndTheOthersStillFailFast() {
        for (int i = 0; i < 3; i++) {
            outages.failed(A, new JedisConnectionException("refused"));
        }
        now.addAndGet(499);
        assertThat(outages.refusal(A)).isNotNull();
        now.addAndGet(1);
        assertThat(outages.refusal(A)).as("the probe").isNull();
        assertThat(outages.refusal(A)).as("while the probe is out").isNotNull();
        outages.failed(A, new JedisConnectionException("refused again"));
        assertThat(outages.isPaused(A)).isTrue();
        now.addAndGet(500);
        assertThat(outages.refusal(A)).as("the next probe").isNull();
        outages.answered(A);
        assertThat(outages.refusal(A)).isNull();
        assertThat(outages.refusal(A)).isNull();
    }

    @Test
    void onlyConnectionFailuresCount() {
        for (int i = 0; i < 5; i++) {
            outages.failed(A, new JedisDataException("WRONGTYPE"));
            outages.failed(null, new JedisConnectionException("keyless"));
        }
        assertThat(outages.refusal(A)).isNull();
        assertThat(outages.refusal(null)).isNull();
    }
}
