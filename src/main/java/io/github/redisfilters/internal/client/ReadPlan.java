package io.github.redisfilters.internal.client;

/**
 * The lookup a filter needs before it decides what to do with a request (a rate-limit check, a
 * blacklist {@code MGET}, a session load, a cache lookup).
 *
 * <p>When several of the library's filters handle one request, the first of them that needs
 * Redis sends the read plans of the others too, so that the whole chain costs one round trip
 * (see {@code RequestBatch}). A plan sent for a filter the request has not reached yet must not
 * change anything another request could notice, except what {@link #undo} can take back:
 * {@link #mayRunEarly()} says whether it qualifies.
 *
 * @param <T> the decision the replies are turned into
 */
public interface ReadPlan<T> extends Plan<T> {
    /**
     * Whether another filter may send this plan before its own filter is reached. True (the
     * default) for pure reads. A plan that consumes something (a rate-limit hit) returns false and
     * is only ever sent by its own filter.
     */
    default boolean mayRunEarly() {
        return true;
    }

    /**
     * What to write when this plan was sent early but its filter was never reached (the request
     * was answered by a filter in between): e.g. release a lock the lookup took. Null (the
     * default) when there is nothing to take back.
     *
     * @param decision what {@link #decide} returned
     */
    default WritePlan<?> undo(T decision) {
        return null;
    }
}
