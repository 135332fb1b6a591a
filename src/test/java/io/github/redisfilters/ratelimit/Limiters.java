package io.github.redisfilters.ratelimit;

import java.util.ArrayList;
import java.util.List;

/** Limiter tests' shared request: one client matching some rules, checked by a given limiter. */
final class Limiters {
    /** A start time aligned to 10 s, 1 s and 1 min windows. */
    static final long T0 = 1_800_000_000_000L;
    static final String CLIENT = "ip:1.2.3.4";
    private static final LimitPlanner PLANNER = new LimitPlanner("t:", null, MissingKey.IP);

    private Limiters() {
    }

    /** Checks a request from {@link #CLIENT} that matches {@code rules}, in that order. */
    static Decision hit(RedisLimiter limiter, Rule... rules) {
        List<LimitPlan.Check> checks = new ArrayList<>();
        for (Rule rule : rules) {
            for (Policy p : rule.policies()) {
                checks.add(new LimitPlan.Check(rule, p, CLIENT, PLANNER.redisKey(CLIENT, p)));
            }
        }
        return limiter.check(new LimitPlan(checks, null));
    }
}
