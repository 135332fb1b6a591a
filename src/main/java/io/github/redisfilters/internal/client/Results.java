package io.github.redisfilters.internal.client;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What {@link SharedRedisClient#send(java.util.List)} got for each plan: its decision, or the
 * reason it has none. A plan's replies are turned into its decision when it is first asked for
 * ({@link #get}, {@link #succeeded}): a plan sent ahead for a filter that never uses it (a session
 * load on a request that never asks for its session) costs no parsing.
 */
public final class Results {
    private final Map<Plan<?>, Object> outcomes;

    public Results(Map<Plan<?>, Object> outcomes) {
        this.outcomes = outcomes;
    }

    public static Results failed(Iterable<? extends Plan<?>> plans, RedisUnavailableException e) {
        Map<Plan<?>, Object> m = new IdentityHashMap<>();
        for (Plan<?> p : plans) {
            m.put(p, new Failure(e));
        }
        return new Results(m);
    }

    /**
     * The decision of {@code plan}.
     *
     * @throws RedisUnavailableException when Redis could not serve it (down, breaker open, an error
     *                                   reply the plan did not handle)
     * @throws IllegalArgumentException  when {@code plan} was not sent
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Plan<T> plan) {
        Object o = outcome(plan);
        if (o instanceof Failure f) {
            throw new RedisUnavailableException(f.cause.getMessage(), f.cause);
        }
        return (T) o;
    }

    /** Whether {@code plan} got a decision (false: it failed, or was not sent). */
    public boolean succeeded(Plan<?> plan) {
        return outcomes.containsKey(plan) && !(outcome(plan) instanceof Failure);
    }

    private Object outcome(Plan<?> plan) {
        Object o = outcomes.get(plan);
        if (o == null && !outcomes.containsKey(plan)) {
            throw new IllegalArgumentException("plan was not sent: " + plan);
        }
        if (o instanceof Pending pending) {
            try {
                o = plan.decide(pending.replies);
            } catch (RedisUnavailableException e) {
                o = new Failure(e);
            }
            outcomes.put(plan, o);
        }
        return o;
    }

    /** Marks a failure among decisions (a decision may itself be any object, even an exception). */
    record Failure(RedisUnavailableException cause) {
    }

    /** Replies not yet turned into the plan's decision. */
    record Pending(Replies replies) {
    }
}
