package io.github.redisfilters.bench;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.UnifiedJedis;

/**
 * One raw client per Redis URL for the stubs and peers, built by the library's own factory (same
 * pool size, timeouts and protocol as the filters' shared client) but used without the breaker.
 */
final class StubClients {
    private static final Map<String, SharedRedisClient> CLIENTS = new ConcurrentHashMap<>();

    private StubClients() {
    }

    static UnifiedJedis get(String url) {
        return CLIENTS.computeIfAbsent(url, u -> SharedRedisClient.create(RedisSettings.builder().url(u).build()))
                .client();
    }

    static void closeAll() {
        CLIENTS.values().forEach(SharedRedisClient::close);
    }
}
