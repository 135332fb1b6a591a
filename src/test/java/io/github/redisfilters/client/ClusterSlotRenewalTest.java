package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/** When the slot map of a Cluster client is renewed: after a lost node, one at a time, not too often. */
class ClusterSlotRenewalTest {
    private final ClusterConnectionProvider provider = mock(ClusterConnectionProvider.class);
    private final Queue<Runnable> background = new ArrayDeque<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ClusterSlotRenewal renewal = new ClusterSlotRenewal(provider, background::add, "cluster [test]", now::get);

    private void runBackground() {
        while (!background.isEmpty()) {
            background.poll().run();
        }
    }

    @Test
    void aLostNodeRenewsTheSlotMapInTheBackgroundOnce() {
        renewal.nodeLost(new JedisConnectionException("Failed to connect to 127.0.0.1:7000."));
        renewal.nodeLost(new JedisConnectionException("Unexpected end of stream."));
        assertThat(background).as("one renewal in flight at most").hasSize(1);
        assertThat(renewal.renewals()).isZero();
        runBackground();
        verify(provider, times(1)).renewSlotCache();
        assertThat(renewal.renewals()).isEqualTo(1);
    }

    @Test
    void aNewRenewalStartsOnlyAfterTheLeastGap() {
        renewal.nodeLost(new JedisConnectionException("refused"));
        runBackground();
        now.addAndGet(ClusterSlotRenewal.MIN_GAP_NANOS - 1);
        renewal.nodeLost(new JedisConnectionException("refused"));
        assertThat(background).as("too soon after the last one").isEmpty();
        now.addAndGet(1);
        JedisClusterOperationException gaveUp = new JedisClusterOperationException("No more cluster attempts left.");
        gaveUp.addSuppressed(new JedisConnectionException("Failed to connect to 127.0.0.1:7000."));
        renewal.nodeLost(gaveUp);
        assertThat(background).hasSize(1);
        runBackground();
        verify(provider, times(2)).renewSlotCache();
        assertThat(renewal.renewals()).isEqualTo(2);
    }

    @Test
    void errorsThatLoseNoNodeRenewNothing() {
        renewal.nodeLost(new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value"));
        renewal.nodeLost(new JedisException("Could not get a resource from the pool"));
        renewal.nodeLost(new IllegalStateException("Please close pipeline or multi block before calling this method."));
        renewal.nodeLost(new JedisClusterOperationException("Keys must belong to same hashslot."));
        assertThat(background).isEmpty();
        assertThat(renewal.renewals()).isZero();
    }

    @Test
    void aFailedRenewalLetsALaterOneRun() {
        doThrow(new JedisConnectionException("no seed answered")).when(provider).renewSlotCache();
        renewal.nodeLost(new JedisConnectionException("refused"));
        runBackground();
        assertThat(renewal.renewals()).isZero();
        now.addAndGet(ClusterSlotRenewal.MIN_GAP_NANOS);
        renewal.nodeLost(new JedisConnectionException("refused"));
        assertThat(background).as("not stuck in flight").hasSize(1);
    }
}
