package io.github.redisfilters.ratelimit;

import java.util.List;

/**
 * What one request needs from Redis, derived from the request alone: the policies to check and
 * the keys they live under. Kept apart from the replies' interpretation ({@link Decision}) so that
 * the checks of several filters can later travel in one pipeline.
 *
 * @param checks     every policy of every matching rule, with its Redis key
 * @param rejectedBy a rule whose key is missing and whose action is reject, else null
 */
record LimitPlan(List<Check> checks, Rule rejectedBy) {
    /** One policy of one rule for this request's key. */
    record Check(Rule rule, Policy policy, String hashTag, String redisKey) {
    }

    boolean isEmpty() {
        return checks.isEmpty();
    }
}
