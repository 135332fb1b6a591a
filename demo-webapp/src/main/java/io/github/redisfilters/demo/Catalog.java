package io.github.redisfilters.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The product catalogue: a fixed seed (identical on every server) plus products created through
 * the API, which live in Redis so that every server sees them.
 */
final class Catalog {
    private static final Map<Long, ObjectNode> SEED = new LinkedHashMap<>();

    static {
        seed(1, "Espresso cup", "4.50");
        seed(2, "French press", "29.00");
        seed(3, "Coffee beans 1kg", "18.90");
        seed(4, "Milk jug", "12.00");
        seed(5, "Grinder", "89.00");
    }

    private static void seed(long id, String name, String price) {
        SEED.put(id, product(id, name, new BigDecimal(price)));
    }

    static ObjectNode product(long id, String name, BigDecimal price) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("id", id);
        p.put("name", name);
        p.put("price", price);
        return p;
    }

    private final SharedRedisClient redis;
    private final String hashKey;
    private final String sequenceKey;

    Catalog(SharedRedisClient redis, String keyPrefix) {
        this.redis = redis;
        this.hashKey = keyPrefix + "shop:products";
        this.sequenceKey = keyPrefix + "shop:product-seq";
    }

    /** Seed products plus created ones (seed only while Redis is down). */
    List<ObjectNode> all() {
        List<ObjectNode> out = new ArrayList<>(SEED.values());
        try {
            Map<String, String> created = redis.call(j -> j.hgetAll(hashKey));
            created.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b))))
                    .forEach(e -> out.add(parse(e.getValue())));
        } catch (RedisUnavailableException e) {
            // the seed is still a useful answer
        }
        return out;
    }

    ObjectNode find(long id) {
        ObjectNode seed = SEED.get(id);
        if (seed != null) {
            return seed;
        }
        String json = redis.call(j -> j.hget(hashKey, Long.toString(id)));
        return json == null ? null : parse(json);
    }

    ObjectNode create(String name, BigDecimal price) {
        long id = redis.call(j -> j.incr(sequenceKey)) + 100;
        ObjectNode p = product(id, name, price);
        redis.call(j -> j.hset(hashKey, Long.toString(id), p.toString()));
        return p;
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
