package io.github.redisfilters.internal.client;

import io.github.redisfilters.client.RedisUnavailableException;
import java.util.List;

/**
 * The replies to one {@link Plan}'s commands, in the order the plan added them. A command Redis
 * answered with an error reads as a {@link RedisUnavailableException}.
 */
public final class Replies {
    private final Object[] replies;
    private final int from;
    private final int count;

    Replies(Object[] replies, int from, int count) {
        this.replies = replies;
        this.from = from;
        this.count = count;
    }

    /** A plan's replies given directly (tests, and plans answered without Redis). */
    public static Replies of(Object... replies) {
        return new Replies(replies.clone(), 0, replies.length);
    }

    /** Number of replies (= commands the plan added). */
    public int size() {
        return count;
    }

    /**
     * The raw reply of command {@code i}: {@code byte[]} for bulk and status replies, {@link Long}
     * for integers, {@link List} for arrays, a {@code Map<byte[], byte[]>} for {@code HGETALL}, null for nil.
     *
     * @throws RedisUnavailableException when Redis answered this command with an error
     */
    public Object get(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("reply " + i + " of " + count);
        }
        Object r = replies[from + i];
        if (r instanceof RedisUnavailableException e) {
            throw new RedisUnavailableException(e.getMessage(), e);
        }
        return r;
    }

    /** Command {@code i}'s reply as bytes (null for nil). */
    public byte[] bytes(int i) {
        Object r = get(i);
        if (r == null || r instanceof byte[]) {
            return (byte[]) r;
        }
        throw new RedisUnavailableException("unexpected Redis reply: " + r.getClass().getSimpleName() + " instead of a bulk string");
    }

    /** Command {@code i}'s reply as a list (null for nil). */
    public List<?> list(int i) {
        Object r = get(i);
        if (r == null || r instanceof List<?>) {
            return (List<?>) r;
        }
        throw new RedisUnavailableException("unexpected Redis reply: " + r.getClass().getSimpleName() + " instead of an array");
    }

    /** Command {@code i}'s reply as an integer. */
    public long number(int i) {
        Object r = get(i);
        if (r instanceof Long l) {
            return l;
        }
        throw new RedisUnavailableException("unexpected Redis reply: " + (r == null ? "nil" : r.getClass().getSimpleName())
                + " instead of an integer");
    }
}
