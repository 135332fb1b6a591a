package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.testing.RedisClusterGroup;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** A Cluster client closed while a call is in flight stays closed. */
class ClusterClientCloseIT {

    /**
     * The web application stops (close) while a call is in flight, and that call then loses its
     * node (a failover, an outage): the slot map renewal it asks for must not open the client's
     * node pools again after close, which nothing would ever close.
     */
    @Test
    void aNodeLostByACallInFlightWhenTheClientClosesReopensNoPool() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false)) {
            SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().clusterNodes(cluster.seeds()).build());
            RedisClusterClient j = (RedisClusterClient) c.client();
            assertThat(j.getClusterNodes()).isNotEmpty();
            assertThatThrownBy(() -> c.call(x -> {
                c.close(); // the application stops now
                throw new JedisConnectionException("Unexpected end of stream."); // then the call's node is lost
            })).isInstanceOf(RedisUnavailableException.class);
            assertThat(c.isClosed()).isTrue();
            assertThat(j.getClusterNodes()).as("node pools after close").isEmpty();
            assertThat(c.slotMapRenewals()).as("no renewal after close").isZero();
        }
    }
}
