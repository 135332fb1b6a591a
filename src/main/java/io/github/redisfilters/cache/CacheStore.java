package io.github.redisfilters.cache;

import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.Commands;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.client.ReadPlan;
import io.github.redisfilters.internal.client.Replies;
import io.github.redisfilters.internal.client.WritePlan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis storage of cache entries, as plans the shared client sends ({@link ReadPlan} for the
 * lookup, {@link WritePlan} for the rest) so that the lookup can travel with the other filters'
 * lookups in one round trip. Nothing here scans the keyspace: a URL is invalidated through its own
 * keys, a prefix by advancing its generation, a tag through the set of its entries. Methods that
 * talk to Redis throw {@link io.github.redisfilters.client.RedisUnavailableException} when it fails
 * (the filter applies its failure mode).
 */
final class CacheStore {
    private static final LuaScript LOOKUP = script("lookup");
    private static final LuaScript STORE = script("store");
    private static final LuaScript INVALIDATE = script("invalidate");
    private static final LuaScript MARK = script("mark");
    private static final LuaScript TAG = script("tag");
    private static final LuaScript LOCK = script("lock");
    private static final LuaScript PASS = script("pass");
    private static final LuaScript GROUP = script("group");
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ALL = {'a'};
    private static final byte[] NAMED = {'n'};
    /**
     * How long invalidation and tag-purge markers live, and so the longest render whose result can
     * still be checked against them: a store more than this after its lookup is dropped.
     */
    static final long INVALIDATION_MEMORY_MILLIS = Duration.ofMinutes(10).toMillis();
    /**
     * Longest an entry is kept, and how long prefix generations live (longer than any entry they
     * could hide, so an expired generation never makes an old entry current again).
     */
    static final long MAX_RETENTION_MILLIS = Duration.ofDays(400).toMillis();

    private final SharedRedisClient redis;
    private final CacheKeys keys;

    CacheStore(SharedRedisClient redis, CacheKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    private static LuaScript script(String name) {
        return LuaScript.fromResource(CacheStore.class, "lua/" + name + ".lua");
    }

    SharedRedisClient redis() {
        return redis;
    }

    /**
     * What Redis answered: the stored bytes (null on a miss), whether this request holds the miss
     * lock, the URL's Vary names when something is stored (null otherwise), whether the lookup must
     * be repeated with every request header (the URL now varies on a header that was not sent),
     * whether the URL is marked hit-for-pass, the Redis time of the lookup (µs; -1 when an entry
     * was found: a hit needs none, see {@link Lock}) and the current values of the URL's prefix
     * generations.
     */
    record Found(byte[] entry, boolean locked, List<String> varyNames, boolean retryWithAllHeaders, boolean pass,
            long redisMicros, String generations) {
    }

    /**
     * One lookup: the script on the URL's slot (entry, variants, miss lock, hit-for-pass) and an
     * {@code MGET} of its prefix generations, in one round trip. Derived from the request alone, so
     * another filter may send it early; a lock it took for a request that never reached the cache
     * filter is released by {@link #undo}.
     */
    final class Lookup implements ReadPlan<Found> {
        final String urlKey;
        private final List<byte[]> scriptKeys;
        private final List<byte[]> args;
        private final List<byte[]> generations;
        private final String lockToken;

        Lookup(String urlKey, Map<String, String> varyInputs, boolean allHeaders, String lockToken, long lockTtlMillis) {
            this.urlKey = urlKey;
            this.lockToken = lockToken;
            this.scriptKeys = List.of(utf8(keys.base(urlKey))); // the script names the URL's other keys from it
            List<byte[]> a = new ArrayList<>(3 + varyInputs.size() * 2);
            a.add(lockToken == null ? EMPTY : utf8(lockToken));
            a.add(utf8(Long.toString(lockTtlMillis)));
            a.add(allHeaders ? ALL : NAMED);
            addPairs(a, varyInputs);
            this.args = a;
            List<byte[]> g = new ArrayList<>(4);
            for (String k : keys.generations(urlKey)) {
                g.add(utf8(k));
            }
            this.generations = g;
        }

        @Override
        public void addTo(Commands commands) {
            commands.eval(LOOKUP, scriptKeys, args);
            commands.mget(generations);
        }

        @Override
        public Found decide(Replies replies) {
            if (replies.get(0) instanceof byte[] plain) { // an entry stored without Vary
                return new Found(plain, false, List.of(), false, false, -1, generations(replies));
            }
            List<?> list = replies.list(0);
            byte[] entry = list.get(0) instanceof byte[] b ? b : null;
            boolean locked = list.get(1) instanceof Long l && l == 1L;
            List<String> names = null;
            if (list.get(2) instanceof byte[] n) {
                names = n.length == 0 ? List.of() : List.of(new String(n, StandardCharsets.UTF_8).split("\n"));
            }
            boolean retry = list.get(3) instanceof Long r && r == 1L;
            boolean pass = list.get(4) instanceof Long p && p == 1L;
            long now = list.get(5) instanceof Long t ? t : -1L;
            return new Found(entry, locked, names, retry, pass, now, generations(replies));
        }

        /** The current values of the URL's prefix generations, one a line ("" for one never advanced). */
        private String generations(Replies replies) {
            List<?> values = replies.list(1);
            StringBuilder g = new StringBuilder();
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    g.append('\n');
                }
                if (values.get(i) instanceof byte[] b) {
                    g.append(new String(b, StandardCharsets.UTF_8));
                }
            }
            return g.toString();
        }

        String lockToken() {
            return lockToken;
        }

        @Override
        public WritePlan<?> undo(Found decision) {
            return decision.locked() ? new Release(urlKey, lockToken, 0) : null;
        }
    }

    /**
     * Stores one entry, clears the hit-for-pass marker and releases the miss lock, unless the URL
     * was invalidated after {@code lookupMicros} (then it only releases the lock). Decision: true
     * when stored.
     */
    final class Store implements WritePlan<Boolean> {
        private final List<byte[]> scriptKeys;
        private final List<byte[]> args;
        private final String group;

        Store(String urlKey, List<String> varyNames, Map<String, String> varyInputs, byte[] entry, long ttlMillis,
                String lockToken, long lookupMicros) {
            String base = keys.base(urlKey);
            this.scriptKeys = List.of(utf8(base), utf8(keys.lock(urlKey)), utf8(keys.pass(urlKey)),
                    utf8(CacheKeys.invalidated(base)));
            List<byte[]> a = new ArrayList<>(7 + varyInputs.size() * 2);
            a.add(entry);
            a.add(utf8(Long.toString(Math.max(1, Math.min(ttlMillis, MAX_RETENTION_MILLIS)))));
            a.add(utf8(String.join("\n", varyNames)));
            a.add(utf8(nonce()));
            a.add(lockToken == null ? EMPTY : utf8(lockToken));
            a.add(utf8(Long.toString(lookupMicros)));
            a.add(utf8(Long.toString(INVALIDATION_MEMORY_MILLIS)));
            addPairs(a, varyInputs);
            this.args = a;
            this.group = CacheKeys.group(urlKey);
        }

        @Override
        public void addTo(Commands commands) {
            commands.eval(STORE, scriptKeys, args);
            commands.eval(GROUP, List.of(utf8(keys.generationGroups())),
                    List.of(utf8(group), utf8(Long.toString(MAX_RETENTION_MILLIS))));
        }

        @Override
        public Boolean decide(Replies replies) {
            return replies.number(0) == 1L;
        }
    }

    /**
     * Adds a URL to the sets of its tags before its entry is stored. Decision: false when one of
     * the tags was purged after the lookup (the entry must then not be stored).
     */
    final class TagIndex implements WritePlan<Boolean> {
        private final List<String> tags;
        private final byte[] base;
        private final byte[] ttl;
        private final byte[] lookup;

        TagIndex(String urlKey, Collection<String> tags, long ttlMillis, long lookupMicros) {
            this.tags = List.copyOf(tags);
            this.base = utf8(keys.base(urlKey));
            this.ttl = utf8(Long.toString(Math.max(1, Math.min(ttlMillis, MAX_RETENTION_MILLIS))));
            this.lookup = utf8(Long.toString(lookupMicros));
        }

        @Override
        public void addTo(Commands commands) {
            for (String tag : tags) {
                String tagKey = keys.tag(tag);
                commands.eval(TAG, List.of(utf8(tagKey), utf8(CacheKeys.tagPurged(tagKey))), List.of(base, ttl, lookup));
            }
        }

        @Override
        public Boolean decide(Replies replies) {
            for (int i = 0; i < replies.size(); i++) {
                if (replies.number(i) != 1L) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Whether this request holds the miss lock, and the Redis time (µs) when it asked. */
    record Locked(boolean locked, long redisMicros) {
    }

    /**
     * Takes the miss lock (or confirms this request holds it) when {@code token} is not null, and
     * reads the Redis time: a render whose lookup found an entry starts its clock here.
     */
    final class Lock implements WritePlan<Locked> {
        private final String urlKey;
        private final String token;
        private final long ttlMillis;

        Lock(String urlKey, String token, long ttlMillis) {
            this.urlKey = urlKey;
            this.token = token;
            this.ttlMillis = ttlMillis;
        }

        @Override
        public void addTo(Commands commands) {
            commands.eval(LOCK, List.of(utf8(keys.lock(urlKey))),
                    List.of(token == null ? EMPTY : utf8(token), utf8(Long.toString(ttlMillis))));
        }

        @Override
        public Locked decide(Replies replies) {
            List<?> reply = replies.list(0);
            return new Locked(reply.get(0) instanceof Long l && l == 1L, (Long) reply.get(1));
        }
    }

    /**
     * Releases the miss lock when this request holds it ({@code token} null = holds none) and, when
     * {@code passMillis} &gt; 0, marks the URL hit-for-pass for that long.
     */
    final class Release implements WritePlan<Long> {
        private final String urlKey;
        private final String token;
        private final long passMillis;

        Release(String urlKey, String token, long passMillis) {
            this.urlKey = urlKey;
            this.token = token;
            this.passMillis = passMillis;
        }

        @Override
        public void addTo(Commands commands) {
            commands.eval(PASS, List.of(utf8(keys.lock(urlKey)), utf8(keys.pass(urlKey))),
                    List.of(token == null ? EMPTY : utf8(token), utf8(Long.toString(passMillis))));
        }

        @Override
        public Long decide(Replies replies) {
            return replies.number(0);
        }
    }

    /**
     * Invalidates URLs (their base keys go, and a marker refuses late stores of renders that began
     * before) and advances the generations of path prefixes, all in one round trip whatever the
     * size of the database. Decision: the number of base keys deleted.
     */
    final class Invalidation implements WritePlan<Long> {
        private final List<String> baseKeys;
        private final List<String> generations;

        Invalidation(Collection<String> baseKeys, Collection<String> generations) {
            this.baseKeys = List.copyOf(baseKeys);
            this.generations = List.copyOf(generations);
        }

        @Override
        public void addTo(Commands commands) {
            byte[] memory = utf8(Long.toString(INVALIDATION_MEMORY_MILLIS));
            for (String base : baseKeys) {
                commands.eval(INVALIDATE, List.of(utf8(base), utf8(CacheKeys.invalidated(base))), List.of(memory));
            }
            byte[] retention = utf8(Long.toString(MAX_RETENTION_MILLIS));
            for (String g : generations) {
                commands.eval(MARK, List.of(utf8(g)), List.of(retention));
            }
        }

        @Override
        public Long decide(Replies replies) {
            long n = 0;
            for (int i = 0; i < baseKeys.size(); i++) {
                n += replies.number(i);
            }
            for (int i = baseKeys.size(); i < replies.size(); i++) {
                replies.get(i); // an error on a generation is an error of the whole invalidation
            }
            return n;
        }
    }

    Found lookup(Lookup plan) {
        return redis.send(plan);
    }

    boolean store(Store plan) {
        return redis.send(plan);
    }

    /** Indexes the tags (first round trip), then stores unless a tag was purged meanwhile (second). */
    boolean storeTagged(TagIndex tags, Store store, Release onRefusal) {
        if (!redis.send(tags)) {
            redis.send(onRefusal);
            return false;
        }
        return redis.send(store);
    }

    /** Takes the miss lock unless {@code token} is null, and reads the Redis time. */
    Locked tryLock(String urlKey, String token, long ttlMillis) {
        return redis.send(new Lock(urlKey, token, ttlMillis));
    }

    void release(String urlKey, String token, long passMillis) {
        redis.send(new Release(urlKey, token, passMillis));
    }

    /**
     * Invalidates these URL keys and path prefixes (trailing {@code *} allowed) in one round trip.
     *
     * @return base keys deleted
     */
    long invalidate(Collection<String> urlKeys, Collection<String> pathPrefixes) {
        Invalidation plan = invalidation(urlKeys, pathPrefixes);
        return plan == null ? 0 : redis.send(plan);
    }

    /**
     * The invalidation of these URL keys and path prefixes as a write plan (its decision: base keys
     * deleted), to send alone or with another filter's write; null when there is nothing to do.
     */
    Invalidation invalidation(Collection<String> urlKeys, Collection<String> pathPrefixes) {
        if (urlKeys.isEmpty() && pathPrefixes.isEmpty()) {
            return null;
        }
        Set<String> bases = new LinkedHashSet<>();
        for (String u : urlKeys) {
            bases.add(keys.base(u));
        }
        Set<String> gens = new LinkedHashSet<>();
        for (String p : pathPrefixes) {
            gens.add(keys.generationOfPrefix(p));
        }
        return new Invalidation(bases, gens);
    }

    /**
     * Purges a path prefix by advancing its generation (one command); for {@code /}, the
     * generation of every first segment that has entries. Entries under it stop being served at
     * once and expire with their own lifetime.
     *
     * @return generations advanced
     */
    long purgePrefix(String pathPrefix) {
        String p = pathPrefix.endsWith("*") ? pathPrefix.substring(0, pathPrefix.length() - 1) : pathPrefix;
        if (!CacheKeys.canonicalPath(p).equals("/")) {
            redis.send(new Invalidation(List.of(), List.of(keys.generationOfPrefix(p))));
            return 1;
        }
        Set<String> gens = new LinkedHashSet<>();
        gens.add(keys.generationOfGroup("/"));
        for (String group : redis.call(j -> j.smembers(keys.generationGroups()))) {
            gens.add(keys.generationOfGroup(group));
        }
        redis.send(new Invalidation(List.of(), gens));
        return gens.size();
    }

    /**
     * Purges the entries carrying a tag: records the purge (so entries rendered before it are not
     * stored after it), reads the tag's set and invalidates each member, then drops the set. Three
     * round trips whatever the size of the database.
     *
     * @return entries deleted
     */
    long purgeTag(String tag) {
        String tagKey = keys.tag(tag);
        redis.send(new Invalidation(List.of(), List.of(CacheKeys.tagPurged(tagKey))));
        Set<String> members = redis.call(j -> j.smembers(tagKey));
        long n = members.isEmpty() ? 0 : redis.send(new Invalidation(members, List.of()));
        redis.call(j -> j.del(tagKey));
        return n;
    }

    /** A variants-record nonce: unique, not secret, so a thread-local generator is enough. */
    private static String nonce() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
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
