package io.github.redisfilters.session;

import io.github.redisfilters.client.LuaScript;
import io.github.redisfilters.client.SharedRedisClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Redis access of the session store. Each method is one round trip (one script or one command on
 * one key, so every call works on Redis Cluster); the request wrapper decides which to call.
 *
 * <p>Layout: {@code <prefix>session:{<id>}} is a hash with metadata fields {@code #c} (created,
 * epoch ms), {@code #a} (last access, ms), {@code #m} (max inactive interval, s), {@code #p}
 * (principal), {@code #x} (principal-index horizon, ms) and one field {@code a:<name>} per
 * attribute (codec bytes). {@code <prefix>session:principal:<name>} is a sorted set of session
 * ids scored by a horizon later than each session's expiry.
 *
 * @throws io.github.redisfilters.client.RedisUnavailableException from every method when Redis
 *                                                                 cannot answer
 */
final class SessionRepository {
    static final LuaScript LOAD = LuaScript.fromResource(SessionRepository.class, "lua/load.lua");
    static final LuaScript SAVE = LuaScript.fromResource(SessionRepository.class, "lua/save.lua");
    static final LuaScript INDEX = LuaScript.fromResource(SessionRepository.class, "lua/index.lua");
    static final String ATTRIBUTE_PREFIX = "a:";

    private final SharedRedisClient redis;
    private final String prefix;

    SessionRepository(SharedRedisClient redis, String keyPrefix) {
        this.redis = redis;
        this.prefix = keyPrefix + "session:";
    }

    String sessionKey(String id) {
        return prefix + "{" + id + "}";
    }

    String indexKey(String principal) {
        return prefix + "principal:" + principal;
    }

    /** What {@link #load} found. {@code attributes} holds raw codec bytes by attribute name. */
    record Stored(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds, String principal,
            Map<String, byte[]> attributes, boolean indexRefresh, boolean corrupt) {
    }

    /**
     * One script call, described rather than executed, so that a future cross-filter pipeline can
     * send it together with other filters' lookups and hand the reply back to {@link #parseLoad}.
     */
    record Plan(LuaScript script, List<byte[]> keys, List<byte[]> args) {
    }

    /** The load of one session, derived from the request alone (cookie id, path, clock). */
    Plan loadPlan(String id, long now, boolean touch) {
        return new Plan(LOAD, List.of(bytes(sessionKey(id))), List.of(bytes(Long.toString(now)), bytes(touch ? "1" : "0")));
    }

    /** Loads (and unless {@code touch} is false, extends) a session; null when it does not exist. */
    Stored load(String id, long now, boolean touch) {
        Plan plan = loadPlan(id, now, touch);
        return parseLoad(id, now, redis.evalBinary(plan.script(), plan.keys(), plan.args()));
    }

    /** The decision half of {@link #load}: what the script's reply means. */
    static Stored parseLoad(String id, long now, Object reply) {
        if (!(reply instanceof List<?> list) || list.size() < 2) {
            return null;
        }
        boolean refresh = list.get(0) instanceof Long l && l == 1L;
        Long previous = parseLong(list.get(1));
        Long created = null;
        Long access = null;
        Long max = null;
        String principal = null;
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        for (int i = 2; i + 1 < list.size(); i += 2) {
            String field = string(list.get(i));
            Object value = list.get(i + 1);
            switch (field) {
                case "#c" -> created = parseLong(value);
                case "#a" -> access = parseLong(value);
                case "#m" -> max = parseLong(value);
                case "#p" -> principal = string(value);
                default -> {
                    if (field.startsWith(ATTRIBUTE_PREFIX) && value instanceof byte[] b) {
                        attributes.put(field.substring(ATTRIBUTE_PREFIX.length()), b);
                    }
                }
            }
        }
        boolean corrupt = created == null || max == null || max < 0 || max > Integer.MAX_VALUE;
        long last = previous != null ? previous : access != null ? access : created != null ? created : now;
        return new Stored(id, created == null ? now : created, last, corrupt ? 0 : (int) (long) max, principal,
                attributes, refresh, corrupt);
    }

    /** A save request, built by the session from its changes. */
    record Write(String id, boolean create, long now, int maxInactiveSeconds, long creationTime, boolean setPrincipal,
            String principal, Map<String, byte[]> attributes, Set<String> removals) {
    }

    /** Outcome of {@link #save}: status 1 saved, 0 gone (not recreated), -1 id already taken. */
    record Saved(int status, boolean indexRefresh) {
    }

    Saved save(Write w) {
        List<byte[]> args = new ArrayList<>(8 + 2 * w.attributes().size() + w.removals().size());
        args.add(bytes(w.create() ? "create" : "update"));
        args.add(bytes(Long.toString(w.now())));
        args.add(bytes(Integer.toString(w.maxInactiveSeconds())));
        args.add(bytes(Long.toString(w.creationTime())));
        args.add(bytes(w.setPrincipal() ? "set" : "keep"));
        args.add(bytes(w.principal() == null ? "" : w.principal()));
        args.add(bytes(Integer.toString(w.attributes().size())));
        for (Map.Entry<String, byte[]> e : w.attributes().entrySet()) {
            args.add(bytes(ATTRIBUTE_PREFIX + e.getKey()));
            args.add(e.getValue());
        }
        for (String r : w.removals()) {
            args.add(bytes(ATTRIBUTE_PREFIX + r));
        }
        Object reply = redis.evalBinary(SAVE, List.of(bytes(sessionKey(w.id()))), args);
        if (reply instanceof List<?> list && list.size() == 2) {
            return new Saved((int) (long) (Long) list.get(0), Long.valueOf(1L).equals(list.get(1)));
        }
        throw new IllegalStateException("unexpected reply from the session save script");
    }

    /** Deletes a session; true when it existed. */
    boolean delete(String id) {
        String key = sessionKey(id);
        return redis.call(j -> j.del(key)) > 0;
    }

    /** Adds (or re-scores) a session in its principal's index and prunes dead entries. */
    void index(String principal, String id, long now, long horizon) {
        redis.eval(INDEX, List.of(indexKey(principal)), List.of(Long.toString(now), "add", id, Long.toString(horizon)));
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

    private static byte[] bytes(String s) {
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
