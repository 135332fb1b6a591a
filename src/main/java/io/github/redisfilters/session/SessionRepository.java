package io.github.redisfilters.session;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.Commands;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.client.Plan;
import io.github.redisfilters.internal.client.ReadPlan;
import io.github.redisfilters.internal.client.Replies;
import io.github.redisfilters.internal.client.Results;
import io.github.redisfilters.internal.client.WritePlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Redis access of the session store, as the client package's plans ({@link ReadPlan},
 * {@link WritePlan}: a script and its keys and arguments, derived from the request alone, apart
 * from what the reply means), so that a caller may send a plan together with other filters' plans
 * in one pipeline ({@link SharedRedisClient#send(List)}). Every plan touches keys of one hash tag,
 * so every plan works on Redis Cluster.
 *
 * <p>Layout: {@code <prefix>session:{<tag>}<rest>} is a hash, where {@code <tag>} is the first
 * {@value #TAG_LENGTH} characters of the session id (kept by {@code changeSessionId}, so the old
 * and the new key share a Cluster slot and the id change is one atomic {@code RENAME}) and
 * {@code <rest>} the others. Fields: {@code #c} (created, epoch ms), {@code #a} (last access,
 * ms), {@code #m} (max inactive interval, s), {@code #p} (principal), {@code #x} (principal-index
 * horizon, ms) and one field {@code a:<name>} per attribute (codec bytes).
 * {@code <prefix>session:lock:{<tag>}<rest>} is the session's write lock (a token, with a TTL);
 * {@code <prefix>session:principal:<name>} a sorted set of session ids scored by a horizon
 * later than each session's expiry.
 *
 * <p>The operations, for a caller that batches a whole filter chain:
 * <ul>
 * <li>{@link #loadPlan} reads a session. Without a lock token it is a <b>pure read</b>, a plain
 * {@code HGETALL} (no script): it writes nothing a later request could notice, so it may be sent
 * before the application asks for its session, or for a request that never does. Whether a touch
 * (access time, TTL, principal-index horizon) is due is decided from the fields
 * ({@link #parseHash}); the session filter lets the touch ride on its save, or sends
 * {@link #savePlan} with no changes once the application has used the session (at most once per
 * touch granularity, g = min(1 s, interval / 10), per session). With a lock token the load runs
 * load.lua: it takes the session's write lock, or answers {@link Busy} (and reads nothing) when
 * another request holds it, and with {@code touch=true} writes the touch itself
 * ({@link ReadPlan#mayRunEarly()} is false only then; a lock an early load took is taken back by
 * its {@link ReadPlan#undo undo}, a {@link #releasePlan}).</li>
 * <li>{@link #savePlan} writes the changes, the touch and the principal, and releases the
 * request's lock, atomically; {@link #releasePlan} releases a taken lock that no save followed
 * (a request that changed nothing, or that never asked for the session it was pre-loaded for),
 * optionally deleting the session (invalidation).</li>
 * <li>{@link #indexPlan} maintains the principal index (its own slot; pipelined with the save
 * at login).</li>
 * </ul>
 * A lock token is any string unique to the request (see {@link SessionStore#newLockToken()});
 * a lock that is never released expires after its TTL.
 *
 * @throws RedisUnavailableException from every method that talks to Redis, when it cannot answer
 */
final class SessionRepository {
    static final LuaScript LOAD = LuaScript.fromResource(SessionRepository.class, "lua/load.lua");
    static final LuaScript SAVE = LuaScript.fromResource(SessionRepository.class, "lua/save.lua");
    static final LuaScript RELEASE = LuaScript.fromResource(SessionRepository.class, "lua/release.lua");
    static final LuaScript INDEX = LuaScript.fromResource(SessionRepository.class, "lua/index.lua");
    static final String ATTRIBUTE_PREFIX = "a:";
    /** Characters of the id that form its hash tag. */
    static final int TAG_LENGTH = 8;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ONE = {'1'};
    private static final byte[] ZERO = {'0'};
    private static final byte[] SET = bytes("set");
    private static final byte[] KEEP = bytes("keep");

    private final SharedRedisClient redis;
    private final String prefix;

    SessionRepository(SharedRedisClient redis, String keyPrefix) {
        this.redis = redis;
        this.prefix = keyPrefix + "session:";
    }

    /** The hash of session {@code id} (a well-formed id, see {@link SessionIds#wellFormed}). */
    String sessionKey(String id) {
        return prefix + "{" + id.substring(0, TAG_LENGTH) + "}" + id.substring(TAG_LENGTH);
    }

    String lockKey(String id) {
        return prefix + "lock:{" + id.substring(0, TAG_LENGTH) + "}" + id.substring(TAG_LENGTH);
    }

    String indexKey(String principal) {
        return prefix + "principal:" + principal;
    }

    /** One script call whose reply {@code parse} turns into the plan's decision. */
    record ScriptWrite<T>(LuaScript script, List<byte[]> keys, List<byte[]> args, Function<Object, T> parse)
            implements WritePlan<T> {
        @Override
        public void addTo(Commands commands) {
            commands.eval(script, keys, args);
        }

        @Override
        public T decide(Replies replies) {
            return parse.apply(replies.get(0));
        }
    }

    /**
     * The load of one session (see the class comment).
     *
     * @param touch     record the access and extend the TTL now (else a pure read)
     * @param lockToken take the session's write lock with this token; null = no lock
     */
    record LoadPlan(SessionRepository repository, String id, long now, boolean touch, String lockToken, List<byte[]> keys,
            List<byte[]> args) implements ReadPlan<Loaded> {
        @Override
        public void addTo(Commands commands) {
            if (lockToken == null) {
                commands.hgetall(keys.get(0)); // a pure read: no script (the touch, when due, rides on the save)
            } else {
                commands.eval(LOAD, keys, args);
            }
        }

        @Override
        public Loaded decide(Replies replies) {
            if (lockToken != null) {
                return parseLoad(id, now, replies.get(0));
            }
            Object hash;
            try {
                hash = replies.get(0);
            } catch (RedisUnavailableException e) {
                if (String.valueOf(e.getMessage()).contains("WRONGTYPE")) {
                    return null; // a foreign value under a session's name: no such session (as load.lua says)
                }
                throw e;
            }
            return parseHash(id, now, hash);
        }

        @Override
        public boolean mayRunEarly() {
            return lockToken == null || !touch;
        }

        @Override
        public WritePlan<?> undo(Loaded decision) {
            return decision instanceof Stored s && s.locked() ? repository.releasePlan(id, lockToken, false) : null;
        }
    }

    // ---- load ---------------------------------------------------------------------------------

    /** What a load found: a {@link Stored} session, {@link Busy}, or null (no such session). */
    sealed interface Loaded permits Stored, Busy {
    }

    /**
     * A session as stored. {@code attributes} holds raw codec bytes by attribute name.
     *
     * @param locked     the request now holds the session's lock
     * @param touchDue   a pure read found the access time or index horizon due for a touch
     */
    record Stored(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds, String principal,
            Map<String, byte[]> attributes, boolean indexRefresh, boolean corrupt, boolean locked,
            boolean touchDue) implements Loaded {
    }

    /** Another request holds the session's lock; nothing was read. */
    record Busy(long lockMillisLeft) implements Loaded {
    }

    /**
     * The load of one session, derived from the request alone (id, path, method, clock).
     *
     * @param touch      record the access and extend the TTL now (else a pure read)
     * @param lockToken  take the session's write lock with this token; null = no lock
     */
    LoadPlan loadPlan(String id, long now, boolean touch, String lockToken, long lockTtlMillis) {
        if (lockToken == null) {
            return new LoadPlan(this, id, now, touch, null, List.of(bytes(sessionKey(id))), List.of());
        }
        return new LoadPlan(this, id, now, touch, lockToken, List.of(bytes(sessionKey(id)), bytes(lockKey(id))),
                List.of(bytes(Long.toString(now)), touch ? ONE : ZERO, bytes(lockToken), bytes(Long.toString(lockTtlMillis))));
    }

    Loaded load(String id, long now, boolean touch, String lockToken, long lockTtlMillis) {
        return redis.send(loadPlan(id, now, touch, lockToken, lockTtlMillis));
    }

    /** The decision half of a locking load: what load.lua's reply means. */
    static Loaded parseLoad(String id, long now, Object reply) {
        if (!(reply instanceof List<?> list) || list.size() < 2) {
            return null;
        }
        if (list.get(0) instanceof Long l && l == -1L) {
            return new Busy(list.get(1) instanceof Long t ? t : 0L);
        }
        if (list.size() < 5 || !(list.get(4) instanceof List<?> h)) {
            return null;
        }
        Fields f = new Fields();
        for (int i = 0; i + 1 < h.size(); i += 2) {
            f.add(h.get(i), h.get(i + 1));
        }
        Long previous = parseLong(list.get(2));
        return f.stored(id, now, Long.valueOf(1L).equals(list.get(0)), Long.valueOf(1L).equals(list.get(1)),
                previous != null ? previous : f.access, Long.valueOf(1L).equals(list.get(3)));
    }

    /**
     * The decision half of a pure read: the session's {@code HGETALL} (a map of field to value,
     * or a flat list of fields and values; empty when there is no such session). Whether a touch
     * is due is decided here as load.lua decides it.
     */
    static Loaded parseHash(String id, long now, Object reply) {
        Fields f = new Fields();
        if (reply instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return null;
            }
            map.forEach(f::add);
        } else if (reply instanceof List<?> h && !h.isEmpty()) {
            for (int i = 0; i + 1 < h.size(); i += 2) {
                f.add(h.get(i), h.get(i + 1));
            }
        } else {
            return null;
        }
        return f.stored(id, now, false, false, f.access, f.touchDue(now));
    }

    /** A session hash's fields as they are read: metadata, and attributes by name. */
    private static final class Fields {
        Long created;
        Long access;
        Long max;
        Long horizon;
        String principal;
        final Map<String, byte[]> attributes = new LinkedHashMap<>();

        void add(Object rawField, Object value) {
            if (!(rawField instanceof byte[] f) || f.length == 0) {
                return;
            }
            if (f[0] == '#') {
                if (f.length == 2) {
                    switch (f[1]) {
                        case 'c' -> created = parseLong(value);
                        case 'a' -> access = parseLong(value);
                        case 'm' -> max = parseLong(value);
                        case 'p' -> principal = string(value);
                        case 'x' -> horizon = parseLong(value);
                        default -> {
                        }
                    }
                }
            } else if (f.length > 2 && f[0] == 'a' && f[1] == ':' && value instanceof byte[] b) {
                attributes.put(new String(f, 2, f.length - 2, StandardCharsets.UTF_8), b);
            }
        }

        /**
         * load.lua's rule: touch granularity g = min(1 s, interval / 10); due when the recorded
         * access is g or more away from now, or when the principal index horizon comes within
         * the session's lifetime plus g. Corrupt metadata: never due (nothing is written).
         */
        boolean touchDue(long now) {
            if (max == null) {
                return false;
            }
            long m = max;
            long g = m > 0 && m < 10 ? m * 100 : 1000;
            long last = access == null ? 0 : access;
            boolean due = now - last >= g || last - now >= g;
            boolean refreshDue = m > 0 && principal != null && (horizon == null ? 0 : horizon) < now + m * 1000 + g;
            return due || refreshDue;
        }

        Stored stored(String id, long now, boolean locked, boolean refresh, Long previous, boolean touchDue) {
            boolean corrupt = created == null || max == null || max < 0 || max > Integer.MAX_VALUE;
            long last = previous != null ? previous : created != null ? created : now;
            return new Stored(id, created == null ? now : created, last, corrupt ? 0 : (int) (long) max, principal,
                    attributes, refresh, corrupt, locked, touchDue);
        }
    }

    // ---- save ---------------------------------------------------------------------------------

    /** How a save treats the key. */
    enum SaveKind {
        /** A new session: the key must not exist. */
        CREATE,
        /** A stored session: it must still exist (never recreated). */
        UPDATE,
        /** {@code changeSessionId}: the old key must exist and is renamed first. */
        REKEY;

        /** The mode argument of save.lua. */
        private final byte[] argument = name().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A save request, built by the session from its changes.
     *
     * @param fromId    the id the session was loaded under (the lock's id); equals {@code id}
     *                  except for {@link SaveKind#REKEY}
     * @param lockToken the request's lock token, null when it holds none
     */
    record Write(SaveKind kind, String id, String fromId, long now, int maxInactiveSeconds, long creationTime,
            boolean setPrincipal, String principal, String lockToken, Map<String, byte[]> attributes,
            Set<String> removals) {
    }

    /** Outcome of a save: status 1 saved, 0 gone (not recreated), -1 id already taken. */
    record Saved(int status, boolean indexRefresh, boolean lockLost) {
    }

    ScriptWrite<Saved> savePlan(Write w) {
        List<byte[]> args = new ArrayList<>(8 + 2 * w.attributes().size() + w.removals().size());
        args.add(w.kind().argument);
        args.add(bytes(Long.toString(w.now())));
        args.add(bytes(Integer.toString(w.maxInactiveSeconds())));
        args.add(bytes(Long.toString(w.creationTime())));
        args.add(w.setPrincipal() ? SET : KEEP);
        args.add(bytes(w.principal() == null ? "" : w.principal()));
        args.add(w.lockToken() == null ? EMPTY : bytes(w.lockToken()));
        args.add(bytes(Integer.toString(w.attributes().size())));
        for (Map.Entry<String, byte[]> e : w.attributes().entrySet()) {
            args.add(bytes(ATTRIBUTE_PREFIX + e.getKey()));
            args.add(e.getValue());
        }
        for (String r : w.removals()) {
            args.add(bytes(ATTRIBUTE_PREFIX + r));
        }
        String from = w.fromId() == null ? w.id() : w.fromId();
        byte[] key = bytes(sessionKey(w.id()));
        return new ScriptWrite<>(SAVE, List.of(key, bytes(lockKey(from)), from.equals(w.id()) ? key : bytes(sessionKey(from))), args,
                SessionRepository::parseSave);
    }

    Saved save(Write w) {
        return redis.send(savePlan(w));
    }

    static Saved parseSave(Object reply) {
        if (reply instanceof List<?> list && list.size() == 3 && list.get(0) instanceof Long status) {
            return new Saved((int) (long) status, Long.valueOf(1L).equals(list.get(1)), Long.valueOf(1L).equals(list.get(2)));
        }
        throw new RedisUnavailableException("unexpected reply from the session save script: " + reply);
    }

    // ---- release, delete, index ----------------------------------------------------------------

    /**
     * Releases the lock of session {@code id} if {@code lockToken} (may be null) still holds it,
     * and deletes the session when {@code delete}. Reply: 1 when a session was deleted.
     */
    ScriptWrite<Boolean> releasePlan(String id, String lockToken, boolean delete) {
        List<byte[]> keys = delete ? List.of(bytes(lockKey(id)), bytes(sessionKey(id))) : List.of(bytes(lockKey(id)));
        return new ScriptWrite<>(RELEASE, keys, List.of(lockToken == null ? EMPTY : bytes(lockToken)),
                reply -> Long.valueOf(1L).equals(reply));
    }

    /** Deletes a session (and its lock); true when it existed. */
    boolean delete(String id) {
        return redis.send(releasePlan(id, null, true));
    }

    /** Adds (or re-scores) a session in its principal's index and prunes dead entries. */
    ScriptWrite<Object> indexPlan(String principal, String id, long now, long horizon) {
        return new ScriptWrite<>(INDEX, List.of(bytes(indexKey(principal))),
                List.of(bytes(Long.toString(now)), bytes("add"), bytes(id), bytes(Long.toString(horizon))), reply -> reply);
    }

    void index(String principal, String id, long now, long horizon) {
        redis.send(indexPlan(principal, id, now, horizon));
    }

    void unindex(String principal, String id, long now) {
        redis.eval(INDEX, List.of(indexKey(principal)), List.of(Long.toString(now), "remove", id, "0"));
    }

    /** Candidate ids of a principal (entries whose horizon has not passed). */
    List<String> indexed(String principal, long now) {
        String key = indexKey(principal);
        return redis.call(j -> j.zrangeByScore(key, Long.toString(now), "+inf"));
    }

    /** Metadata of one session, or null when it is gone: {@code [#p, #c, #a, #m]}. */
    List<String> metadata(String id) {
        String key = sessionKey(id);
        List<String> m = redis.call(j -> j.hmget(key, "#p", "#c", "#a", "#m"));
        return m == null || m.get(1) == null ? null : m;
    }

    /** Every field of one session (for events about sessions no request has loaded). */
    Loaded read(String id, long now) {
        return load(id, now, false, null, 0);
    }

    // ---- running plans -------------------------------------------------------------------------

    /** Runs one plan (one round trip) and returns its decision. */
    <T> T run(Plan<T> plan) {
        return redis.send(plan);
    }

    /**
     * Runs plans in ONE pipelined round trip (on Cluster, one per node, in parallel).
     *
     * @throws RedisUnavailableException when Redis could not serve one of them
     */
    Results runAll(List<? extends Plan<?>> plans) {
        return checked(redis.send(plans), plans);
    }

    /**
     * {@code results} (of a pipeline that carried {@code plans}, perhaps with other filters' writes)
     * when every one of {@code plans} succeeded.
     *
     * @throws RedisUnavailableException the first failure among {@code plans}
     */
    static Results checked(Results results, List<? extends Plan<?>> plans) {
        for (Plan<?> p : plans) {
            results.get(p); // the first failure, if any, is the caller's failure mode
        }
        return results;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o == null ? null : o.toString();
    }

    private static Long parseLong(Object o) {
        String s = string(o);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
