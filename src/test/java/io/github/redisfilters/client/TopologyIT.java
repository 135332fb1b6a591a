package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.config.InitParams;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.RedisSentinelGroup;
import io.github.redisfilters.testing.TlsRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The shared client against TLS + ACL, Sentinel and Cluster deployments. */
class TopologyIT {

    private static SharedRedisClient fromParams(Map<String, String> params) throws Exception {
        return SharedRedisClient.create(RedisSettings.resolve(
                InitParams.of("filter 't'", params, RedisSettings.PARAMETER_NAMES), n -> null, n -> null));
    }

    @Test
    void tlsWithAclUserAndClientCertificate() throws Exception {
        assumeThat(TlsRedis.available()).as("Debian redis-server with TLS and openssl (installed by .ci/run)").isTrue();
        try (TlsRedis tls = TlsRedis.start(true)) {
            SharedRedisClient c = fromParams(Map.of("redisUrl", tls.url(),
                    "redisTrustStore", tls.trustStore(), "redisTrustStorePassword", TlsRedis.STORE_PASSWORD,
                    "redisKeyStore", tls.clientKeyStore(), "redisKeyStorePassword", TlsRedis.STORE_PASSWORD));
            try {
                assertThat((String) c.call(j -> j.set("tls", "yes"))).isEqualTo("OK");
                assertThat(redis.clients.jedis.util.SafeEncoder.encode((byte[]) c.call(j -> j.sendCommand(redis.clients.jedis.Protocol.Command.ACL, "WHOAMI")))).isEqualTo(TlsRedis.USER);
                assertThat(c.toString()).doesNotContain(TlsRedis.PASSWORD);
            } finally {
                c.close();
            }
            SharedRedisClient noClientCert = fromParams(Map.of("redisUrl", tls.url(),
                    "redisTrustStore", tls.trustStore(), "redisTrustStorePassword", TlsRedis.STORE_PASSWORD));
            try {
                assertThatThrownBy(() -> noClientCert.call(j -> j.ping())).isInstanceOf(RedisUnavailableException.class);
            } finally {
                noClientCert.close();
            }
            SharedRedisClient wrongPassword = fromParams(Map.of(
                    "redisUrl", "rediss://" + TlsRedis.USER + ":wrong@localhost:" + tls.tlsPort(),
                    "redisTrustStore", tls.trustStore(), "redisTrustStorePassword", TlsRedis.STORE_PASSWORD,
                    "redisKeyStore", tls.clientKeyStore(), "redisKeyStorePassword", TlsRedis.STORE_PASSWORD));
            try {
                assertThatThrownBy(() -> wrongPassword.call(j -> j.ping()))
                        .isInstanceOf(RedisUnavailableException.class)
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong"));
            } finally {
                wrongPassword.close();
            }
        }
    }

    @Test
    void tlsHostnameVerificationRejectsAMismatchedName() throws Exception {
        assumeThat(TlsRedis.available()).isTrue();
        try (TlsRedis tls = TlsRedis.start(false)) {
            // the certificate names localhost and 127.0.0.1 only; 127.0.0.2 reaches the same server
            SharedRedisClient c = fromParams(Map.of(
                    "redisUrl", "rediss://" + TlsRedis.USER + ":" + TlsRedis.PASSWORD + "@127.0.0.2:" + tls.tlsPort(),
                    "redisTrustStore", tls.trustStore(), "redisTrustStorePassword", TlsRedis.STORE_PASSWORD));
            try {
                assertThatThrownBy(() -> c.call(j -> j.ping())).isInstanceOf(RedisUnavailableException.class);
            } finally {
                c.close();
            }
        }
    }

    @Test
    void sentinelFailoverIsFollowedByTheSharedClient() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start()) {
            SharedRedisClient c = fromParams(Map.of("redisSentinelMaster", RedisSentinelGroup.MASTER_NAME,
                    "redisSentinelNodes", group.sentinelNodesParam(), "redisRetryInterval", "100ms"));
            try {
                c.call(j -> j.set("before", "failover"));
                try (Jedis m = group.master().admin()) {
                    assertThat(m.waitReplicas(1, 5000)).isEqualTo(1);
                }
                RedisProcess promoted = group.killMasterAndAwaitFailover();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> "OK".equals(c.call(j -> j.set("after", "failover"))));
                assertThat((String) c.call(j -> j.get("before"))).isEqualTo("failover");
                try (Jedis j = promoted.admin()) {
                    assertThat(j.get("after")).as("writes go to the promoted replica").isEqualTo("failover");
                }
            } finally {
                c.close();
            }
        }
    }

    @Test
    void clusterSpreadsKeysOverSlotsAndRunsHashTaggedScripts() throws Exception {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false)) {
            SharedRedisClient c = fromParams(Map.of("redisClusterNodes", cluster.seedsParam()));
            try {
                for (int i = 0; i < 60; i++) {
                    int n = i;
                    c.call(j -> j.set("key:" + n, "v"));
                }
                for (RedisProcess master : cluster.masters()) {
                    try (Jedis j = master.admin()) {
                        assertThat(j.dbSize()).as("every master holds some keys").isPositive();
                    }
                }
                LuaScript twoKeys = LuaScript.of("two.lua",
                        "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return redis.call('GET', KEYS[2])");
                assertThat(c.eval(twoKeys, List.of("rsf:{user-7}:a", "rsf:{user-7}:b"), List.of("x"))).isEqualTo("x");
                // NOSCRIPT recovery on the node that owns the slot
                for (RedisProcess master : cluster.masters()) {
                    try (Jedis j = master.admin()) {
                        j.scriptFlush();
                    }
                }
                assertThat(c.eval(twoKeys, List.of("rsf:{user-7}:a", "rsf:{user-7}:b"), List.of("y"))).isEqualTo("y");
            } finally {
                c.close();
            }
        }
    }
}
