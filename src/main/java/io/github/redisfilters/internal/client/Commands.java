package io.github.redisfilters.internal.client;

import java.util.List;

/**
 * The commands a {@link Plan} may add. Keys are routed by their hash slot on Redis Cluster: the
 * keys of one command must share a hash tag; different commands may live on different nodes.
 */
public interface Commands {
    /** {@code EVALSHA} of {@code script}, re-sent as {@code EVAL} on {@code NOSCRIPT}. Reply: the script's. */
    void eval(LuaScript script, List<byte[]> keys, List<byte[]> args);

    /** {@code GET key}. Reply: the value or null. */
    void get(byte[] key);

    /** {@code HGETALL key}. Reply: a {@code Map<byte[], byte[]>} of fields to values (empty when there is no such key). */
    void hgetall(byte[] key);

    /** {@code MGET keys} (one hash slot). Reply: a list of values (null for missing keys). */
    void mget(List<byte[]> keys);

    /** {@code DEL keys} (one hash slot). Reply: the number of keys removed. */
    void del(List<byte[]> keys);
}
