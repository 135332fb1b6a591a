package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Which error replies make the client renew its connections (a node that is no usable primary) and which do not. */
class RoleChangeRepliesTest {
    private static boolean renews(String reply) {
        JedisDataException e = new JedisDataException(reply);
        return SharedRedisClient.isUnavailability(e) && SharedRedisClient.isRoleChange(e);
    }

    @Test
    void aDemotedLoadingOrOrphanedNodeRenewsTheConnections() {
        assertThat(renews("READONLY You can't write against a read only replica.")).isTrue();
        assertThat(renews("READONLY You can't write against a read only replica. script: 4bb9…, on @user_script:1.")).isTrue();
        assertThat(renews("LOADING Redis is loading the dataset in memory")).isTrue();
        assertThat(renews("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")).isTrue();
    }

    @Test
    void aScriptRefusedOnAReplicaOfRedisBefore7RenewsToo() {
        assertThat(renews("ERR Error running script (call to f_4bb9…): @user_script:1: @user_script: 1:"
                + " -READONLY You can't write against a read only replica.")).isTrue();
    }

    @Test
    void otherErrorsDoNot() {
        assertThat(renews("BUSY Redis is busy running a script.")).isFalse(); // an outage, same node
        assertThat(renews("CLUSTERDOWN The cluster is down")).isFalse();
        assertThat(renews("ERR wrong number of arguments for 'get' command")).isFalse();
        assertThat(renews("WRONGTYPE Operation against a key holding the wrong kind of value")).isFalse();
        assertThat(renews("ERR value mentions READONLY but is no such reply")).isFalse();
    }

    @Test
    void aTimeoutIsSlownessNotAMovedNode() {
        assertThat(SharedRedisClient.isTimeout(new JedisConnectionException(new SocketTimeoutException("Read timed out")))).isTrue();
        assertThat(SharedRedisClient.isTimeout(new JedisConnectionException("Failed to connect",
                new JedisConnectionException(new SocketTimeoutException("Connect timed out"))))).isTrue();
        assertThat(SharedRedisClient.isTimeout(new JedisConnectionException(new ConnectException("Connection refused")))).isFalse();
        assertThat(SharedRedisClient.isTimeout(new JedisConnectionException("Unexpected end of stream."))).isFalse();
    }
}
