package io.github.redisfilters.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /** Ids of created products start above the seed's. */
    static final long FIRST_CREATED_ID = 100;
    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
    private static final int MAX_WARNINGS = 100;

    private final SharedRedisClient redis;
    private final String hashKey;
    private final String sequenceKey;
    private final Set<String> warned = Collections.newSetFromMap(new ConcurrentHashMap<>());

    Catalog(SharedRedisClient redis, String keyPrefix) {
        this.redis = redis;
        this.hashKey = keyPrefix + "shop:products";
        this.sequenceKey = keyPrefix + "shop:product-seq";
    }

    /**
     * Seed products plus created ones (seed only while Redis is down). A stored entry that is not
     * a product this catalogue wrote (foreign or corrupted data under its key) is left out.
     */
    List<ObjectNode> all() {
        List<ObjectNode> out = new ArrayList<>(SEED.values());
        Map<String, String> created;
        try {
            created = redis.call(j -> j.hgetAll(hashKey));
        } catch (RedisUnavailableException e) {
            return out; // the seed is still a useful answer
        }
        Map<Long, ObjectNode> byId = new TreeMap<>();
        created.forEach((field, json) -> {
            Long id = storedId(field);
            ObjectNode p = id == null ? null : parse(id, json);
            if (p != null) {
                byId.put(id, p);
            }
        });
        out.addAll(byId.values());
        return out;
    }

    /** The product with this id, or null when there is none (or what is stored is not a product). */
    ObjectNode find(long id) {
        ObjectNode seed = SEED.get(id);
        if (seed != null) {
            return seed;
        }
        String json = redis.call(j -> j.hget(hashKey, Long.toString(id)));
        return json == null ? null : parse(id, json);
    }

    /**
     * Stores a new product under the next id.
     *
     * @throws RedisUnavailableException when Redis cannot, or when the id sequence it holds is
     *                                   corrupt or used up (no id above the seed is left)
     */
    ObjectNode create(String name, BigDecimal price) {
        long sequence = redis.call(j -> j.incr(sequenceKey));
        if (sequence < 1 || sequence > Long.MAX_VALUE - FIRST_CREATED_ID) {
            unreadable("the product id sequence " + sequenceKey + " holds " + sequence);
            throw new RedisUnavailableException("product id sequence out of range");
        }
        long id = FIRST_CREATED_ID + sequence;
        ObjectNode p = product(id, name, price);
        redis.call(j -> j.hset(hashKey, Long.toString(id), p.toString()));
        return p;
    }

    private Long storedId(String field) {
        try {
            long id = Long.parseLong(field);
            if (id > FIRST_CREATED_ID) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        unreadable("field '" + abbreviate(field) + "' of " + hashKey + " is not a product id");
        return null;
    }

    /** The stored product, or null when the JSON is not one with this id, a name and a price. */
    private ObjectNode parse(long id, String json) {
        try {
            if (Json.MAPPER.readTree(json) instanceof ObjectNode p && p.path("id").isIntegralNumber()
                    && p.get("id").canConvertToLong() && p.get("id").asLong() == id
                    && p.path("name").isTextual() && p.path("price").isNumber()) {
                return p;
            }
        } catch (IOException | RuntimeException e) {
            // not JSON, or beyond Jackson's limits: reported below
        }
        unreadable("product " + id + " in " + hashKey + " is not a product the demo stored");
        return null;
    }

    /** One warning per damage found (up to a hundred), not one per request. */
    private void unreadable(String what) {
        if (warned.size() < MAX_WARNINGS && warned.add(what)) {
            LOG.warn("ignoring {}", what);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
