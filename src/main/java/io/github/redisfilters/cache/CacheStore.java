package io.github.redisfilters.cache;

import io.github.redisfilters.client.LuaScript;
import io.github.redisfilters.client.SharedRedisClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis storage of cache entries. Every method is one round trip unless it says otherwise, and
 * throws {@link io.github.redisfilters.client.RedisUnavailableException} when Redis fails (the
 * filter applies its failure mode).
 */
final class CacheStore {
    private static final LuaScript LOOKUP = LuaScript.fromResource(CacheStore.class, "lua/lookup.lua");
    private static final LuaScript STORE = LuaScript.fromResource(CacheStore.class, "lua/store.lua");
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ALL = {'a'};
    private static final byte[] NAMED = {'n'};

    private final SharedRedisClient redis;
    private final CacheKeys keys;

    CacheStore(SharedRedisClient redis, CacheKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * The Redis work of one lookup, derived from the request alone (URL key, Vary inputs, whether
     * to take the miss lock), kept apart from the decision so lookups of several filters can later
     * travel in one pipeline.
     */
    record LookupPlan(String urlKey, List<byte[]> keys, List<byte[]> args) {
    }

    /**
     * What Redis answered: the stored bytes (null on a miss), whether this request holds the lock,
     * the URL's Vary names when something is stored (null otherwise), and whether the lookup must
     * be repeated with every request header (the URL now varies on a header that was not sent).
     */
    record LookupResult(byte[] entry, boolean locked, List<String> varyNames, boolean retryWithAllHeaders) {
    }

    /**
     * @param allHeaders true when {@code varyInputs} holds every request header; false when it holds
     *                   only the headers the URL was last seen to vary on
     */
    LookupPlan planLookup(String urlKey, Map<String, String> varyInputs, boolean allHeaders, String lockToken,
            long lockTtlMillis) {
        List<byte[]> args = new ArrayList<>(3 + varyInputs.size() * 2);
        args.add(utf8(lockToken == null ? "" : lockToken));
        args.add(utf8(Long.toString(lockTtlMillis)));
        args.add(allHeaders ? ALL : NAMED);
        addPairs(args, varyInputs);
        return new LookupPlan(urlKey, List.of(utf8(keys.base(urlKey)), utf8(keys.lock(urlKey))), args);
    }

    /**
     * The hit path for a URL known not to vary: a plain {@code GET} of the base key, which holds
     * either the entry or (if the URL started varying) a variants record.
     */
    byte[] getBase(String urlKey) {
        byte[] key = utf8(keys.base(urlKey));
        return redis.call(j -> j.get(key));
    }

    LookupResult lookup(LookupPlan plan) {
        Object reply = redis.evalBinary(LOOKUP, plan.keys(), plan.args());
        List<?> list = (List<?>) reply;
        byte[] entry = list.get(0) instanceof byte[] b ? b : null;
        boolean locked = list.get(1) instanceof Long l && l == 1L;
        List<String> names = null;
        if (list.get(2) instanceof byte[] n) {
            names = n.length == 0 ? List.of() : List.of(new String(n, StandardCharsets.UTF_8).split("\n"));
        }
        boolean retry = list.get(3) instanceof Long r && r == 1L;
        return new LookupResult(entry, locked, names, retry);
    }

    /**
     * Stores an entry (and its variants record when {@code varyNames} is not empty) and releases
     * the miss lock: one round trip; a second one only when the response carries tags.
     */
    void store(String urlKey, List<String> varyNames, Map<String, String> varyInputs, byte[] entry, long ttlMillis,
            String nonce, String lockToken, Collection<String> tags) {
        List<byte[]> args = new ArrayList<>(5 + varyInputs.size() * 2);
        args.add(entry);
        args.add(utf8(Long.toString(ttlMillis)));
        args.add(utf8(String.join("\n", varyNames)));
        args.add(utf8(nonce));
        args.add(lockToken == null ? EMPTY : utf8(lockToken));
        addPairs(args, varyInputs);
        String base = keys.base(urlKey);
        if (!tags.isEmpty()) {
            // tags first: the store script releases the miss lock, so once it is gone everything is written
            redis.call(j -> {
                try (AbstractPipeline p = j.pipelined()) {
                    for (String tag : tags) {
                        String tagKey = keys.tag(tag);
                        p.sadd(tagKey, base);
                        // the tag set lives as long as its longest-lived entry
                        p.pexpire(tagKey, ttlMillis, ExpiryOption.NX);
                        p.pexpire(tagKey, ttlMillis, ExpiryOption.GT);
                    }
                    p.sync();
                }
                return null;
            });
        }
        redis.evalBinary(STORE, List.of(utf8(base), utf8(keys.lock(urlKey))), args);
    }

    /** Takes the miss lock for a URL (used when a stale entry is found). */
    boolean tryLock(String urlKey, String token, long ttlMillis) {
        return redis.call(j -> j.set(keys.lock(urlKey), token,
                SetParams.setParams().nx().px(ttlMillis))) != null;
    }

    /** Releases the miss lock when the origin produced nothing storable. */
    void unlock(String urlKey, String token) {
        String script = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
        redis.call(j -> j.eval(script, List.of(keys.lock(urlKey)), List.of(token)));
    }

    /**
     * Deletes the base keys of these URLs; their variants become unreachable (and expire) because
     * a new variants record gets a new nonce. Keys may sit on different Cluster slots, so each DEL
     * is its own command, pipelined into one round trip.
     */
    long invalidate(Collection<String> urlKeys) {
        if (urlKeys.isEmpty()) {
            return 0;
        }
        return redis.call(j -> {
            List<Response<Long>> replies = new ArrayList<>();
            try (AbstractPipeline p = j.pipelined()) {
                for (String u : urlKeys) {
                    replies.add(p.del(keys.base(u)));
                }
                p.sync();
            }
            long n = 0;
            for (var r : replies) {
                n += r.get();
            }
            return n;
        });
    }

    /** Deletes every key of every URL starting with {@code pathPrefix}: SCAN on every master, never KEYS. */
    long purgePrefix(String pathPrefix) {
        String pattern = keys.scanPattern(pathPrefix);
        return redis.call(j -> {
            Set<String> found = new LinkedHashSet<>();
            if (j instanceof RedisClusterClient cluster) {
                // scanning replicas too is harmless: deletes are routed to the slot's master
                for (Map.Entry<String, ConnectionPool> node : cluster.getClusterNodes().entrySet()) {
                    try (Connection c = node.getValue().getResource()) {
                        scan(new Jedis(c)::scan, pattern, found);
                    }
                }
            } else {
                scan(j::scan, pattern, found);
            }
            return deleteEach(j, found);
        });
    }

    /** Deletes the entries carrying a tag, then the tag set (three round trips); returns entries deleted. */
    long purgeTag(String tag) {
        String tagKey = keys.tag(tag);
        return redis.call(j -> {
            long n = deleteEach(j, new LinkedHashSet<>(j.smembers(tagKey)));
            j.del(tagKey);
            return n;
        });
    }

    private interface Scanner {
        ScanResult<String> scan(String cursor, ScanParams params);
    }

    private static void scan(Scanner scanner, String pattern, Set<String> into) {
        ScanParams params = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = scanner.scan(cursor, params);
            into.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    private static long deleteEach(UnifiedJedis j, Collection<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        List<Response<Long>> replies = new ArrayList<>();
        try (AbstractPipeline p = j.pipelined()) {
            for (String k : keys) {
                replies.add(p.del(k));
            }
            p.sync();
        }
        long n = 0;
        for (var r : replies) {
            n += r.get();
        }
        return n;
    }

    private static void addPairs(List<byte[]> args, Map<String, String> pairs) {
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            args.add(utf8(e.getKey()));
            args.add(utf8(e.getValue()));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
