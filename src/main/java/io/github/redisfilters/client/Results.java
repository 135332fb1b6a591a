package io.github.redisfilters.client;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What {@link SharedRedisClient#send(java.util.List)} got for each plan: its decision, or the
 * reason it has none.
 */
public final class Results {
    private final Map<Plan<?>, Object> outcomes;

    Results(Map<Plan<?>, Object> outcomes) {
        this.outcomes = outcomes;
    }

    static Results failed(Iterable<? extends Plan<?>> plans, RedisUnavailableException e) {
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
        if (!outcomes.containsKey(plan)) {
            throw new IllegalArgumentException("plan was not sent: " + plan);
        }
        Object o = outcomes.get(plan);
        if (o instanceof Failure f) {
            throw new RedisUnavailableException(f.cause.getMessage(), f.cause);
        }
        return (T) o;
    }

    /** Whether {@code plan} got a decision (false: it failed, or was not sent). */
    public boolean succeeded(Plan<?> plan) {
        return outcomes.containsKey(plan) && !(outcomes.get(plan) instanceof Failure);
    }

    /** Marks a failure among decisions (a decision may itself be any object, even an exception). */
    record Failure(RedisUnavailableException cause) {
    }
}
