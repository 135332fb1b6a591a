package io.github.redisfilters.internal.client;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;

/**
 * One filter's Redis access for one request, described before it is sent: the commands it needs
 * (derived from the request alone) apart from what their replies mean. The shared client sends
 * any set of plans together, as one pipelined round trip per Redis node
 * ({@link SharedRedisClient#send(java.util.List)}), and handles the circuit breaker, {@code NOSCRIPT}
 * reloads, Cluster {@code TRYAGAIN}/{@code MOVED}/{@code ASK} and routing for all of them.
 *
 * <p>Use {@link ReadPlan} for a lookup a filter needs before it decides, and {@link WritePlan}
 * for what it writes afterwards (a session save, a cache store, an unlock).
 *
 * @param <T> the decision the replies are turned into
 */
public interface Plan<T> {
    /**
     * Adds this plan's commands. Their replies reach {@link #decide} in the same order. Must not
     * touch Redis and must add the same commands every time it is called.
     */
    void addTo(Commands commands);

    /**
     * Turns the replies into the plan's decision. {@link Replies#get} throws
     * {@link RedisUnavailableException} for a command Redis answered with an error; let it
     * propagate (the caller's failure mode applies) unless the plan knows better.
     */
    T decide(Replies replies);
}
