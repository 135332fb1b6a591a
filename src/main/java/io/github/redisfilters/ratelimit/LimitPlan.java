package io.github.redisfilters.ratelimit;

import java.util.List;

/**
 * What one request needs from Redis, derived from the request alone: the policies to check and
 * the keys they live under. Kept apart from the replies' interpretation ({@link Decision}) so that
 * the checks travel as one read plan ({@link LimitCheck}) in the request's pipeline.
 *
 * @param checks     every policy of every matching, non-exempt rule, with its Redis key
 * @param rejectedBy a rule whose key is missing and whose action is reject, else null
 * @param exempt     matching rules this request is exempt from (by address or key); empty = none
 */
record LimitPlan(List<Check> checks, Rule rejectedBy, List<Rule> exempt) {
    LimitPlan(List<Check> checks, Rule rejectedBy) {
        this(checks, rejectedBy, List.of());
    }

    /** One policy of one rule for this request's key. */
    record Check(Rule rule, Policy policy, String hashTag, String redisKey) {
    }

    boolean isEmpty() {
        return checks.isEmpty();
    }
}
