package io.github.redisfilters.internal.client;

/**
 * What a filter writes after it decided (a session save, a cache store, a lock release): sent on
 * its own or together with other writes as one more pipelined round trip.
 *
 * @param <T> what the replies are turned into
 */
public interface WritePlan<T> extends Plan<T> {
}
