package io.github.redisfilters.client;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;

/** Builds the Jedis client for a {@link RedisSettings}, with the non-deprecated Jedis 7/8 builders. */
final class RedisClientFactory {
    private RedisClientFactory() {
    }

    /**
     * A client built here; {@code cluster} is the connection provider of a Cluster client (null
     * for the other kinds).
     */
    record Built(UnifiedJedis client, ClusterConnectionProvider cluster) {
    }

    static Built create(RedisSettings s) {
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) s.connectTimeout().toMillis())
                .socketTimeoutMillis((int) s.socketTimeout().toMillis())
                .clientName(s.clientName())
                .user(s.user())
                .password(s.password());
        if (s.mode() != RedisSettings.Mode.CLUSTER) {
            cfg.database(s.database());
        }
        if (s.tls()) {
            cfg.ssl(true);
            SSLContext ssl = sslContext(s);
            if (ssl != null) {
                cfg.sslSocketFactory(ssl.getSocketFactory());
            }
            SSLParameters params = new SSLParameters();
            if (s.verifyHostname()) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            cfg.sslParameters(params);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(s.poolSize());
        pool.setMaxIdle(s.poolSize()); // below maxTotal, connections churn under load
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(s.poolMaxWait());
        pool.setJmxEnabled(false); // no MBeans left behind on undeploy
        pool.setTestWhileIdle(false);
        pool.setTimeBetweenEvictionRuns(java.time.Duration.ofMillis(-1)); // no evictor thread to leak
        // the pool's idle/wait time averages (never read here) cost shared-counter writes on every
        // borrow; measured at a few per cent of the JVM's CPU per request under load
        pool.setCollectDetailedStatistics(false);

        switch (s.mode()) {
            case SENTINEL: {
                DefaultJedisClientConfig.Builder sentinelCfg = DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis((int) s.connectTimeout().toMillis())
                        .socketTimeoutMillis((int) s.socketTimeout().toMillis())
                        .clientName(s.clientName())
                        .user(s.sentinelUser())
                        .password(s.sentinelPassword());
                return new Built(RedisSentinelClient.builder()
                        .masterName(s.sentinelMaster())
                        .sentinels(new LinkedHashSet<>(s.sentinelNodes()))
                        .clientConfig(cfg.build())
                        .sentinelClientConfig(sentinelCfg.build())
                        .poolConfig(pool)
                        .build(), null);
            }
            case CLUSTER: {
                // The provider is made here (not by the builder) so that the library keeps it: its
                // per-node pipelines route by it and renew its slot map when a node is lost (see
                // ClusterSlotRenewal). Like the builder's own, it reads the slot map at once.
                DefaultJedisClientConfig clientConfig = cfg.build();
                Set<HostAndPort> nodes = new LinkedHashSet<>(s.clusterNodes());
                ClusterConnectionProvider provider = new ClusterConnectionProvider(nodes, clientConfig, pool);
                try {
                    return new Built(RedisClusterClient.builder()
                            .nodes(nodes)
                            .clientConfig(clientConfig)
                            .poolConfig(pool)
                            .connectionProvider(provider)
                            .maxAttempts(3)
                            .maxTotalRetriesDuration(s.socketTimeout().multipliedBy(2))
                            .build(), provider);
                } catch (RuntimeException e) {
                    provider.close();
                    throw e;
                }
            }
            default: {
                // One host name that a managed service may move to another node on failover: the
                // pool's connections can be renewed and only connect to a primary (see
                // PrimaryConnectionFactory). Validating on borrow and return is a field compare.
                DefaultJedisClientConfig clientConfig = cfg.build();
                HostAndPort address = new HostAndPort(s.host(), s.port());
                PrimaryConnectionFactory connections = new PrimaryConnectionFactory(
                        new ConnectionFactory(address, clientConfig), s.describeTarget());
                pool.setTestOnBorrow(true);
                pool.setTestOnReturn(true);
                PooledConnectionProvider provider = new PooledConnectionProvider(connections, pool);
                connections.attach(provider.getPool());
                return new Built(RedisClient.builder()
                        .hostAndPort(address)
                        .clientConfig(clientConfig)
                        .connectionProvider(provider)
                        .build(), null);
            }
        }
    }

    private static SSLContext sslContext(RedisSettings s) {
        if (s.trustStore() == null && s.keyStore() == null) {
            return null;
        }
        try {
            TrustManagerFactory tmf = null;
            if (s.trustStore() != null) {
                KeyStore ts = load(s.trustStore(), s.trustStoreType(), s.trustStorePassword());
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            KeyManagerFactory kmf = null;
            if (s.keyStore() != null) {
                KeyStore ks = load(s.keyStore(), s.keyStoreType(), s.keyStorePassword());
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, s.keyStorePassword() == null ? new char[0] : s.keyStorePassword().toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            // the message names the file, never the password
            throw new IllegalArgumentException("cannot set up TLS from redisTrustStore/redisKeyStore ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static KeyStore load(String path, String type, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }
}
