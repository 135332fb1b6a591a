package io.github.redisfilters.ratelimit;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;

/** Turns a request and its matching rules into a {@link LimitPlan}. */
final class LimitPlanner {
    private final String keyPrefix;
    private final RequestKeys keys;
    private final MissingKey defaultMissingKey;

    LimitPlanner(String keyPrefix, RequestKeys keys, MissingKey defaultMissingKey) {
        this.keyPrefix = keyPrefix + "ratelimit:";
        this.keys = keys;
        this.defaultMissingKey = defaultMissingKey;
    }

    LimitPlan plan(HttpServletRequest request, List<Rule> matching) {
        List<LimitPlan.Check> checks = new ArrayList<>();
        for (int r = 0; r < matching.size(); r++) { // indexed: no iterator per request
            Rule rule = matching.get(r);
            String key = keys.of(rule, request);
            if (key == null) {
                MissingKey action = rule.missingKey() != null ? rule.missingKey() : defaultMissingKey;
                if (action == MissingKey.REJECT) {
                    return new LimitPlan(List.of(), rule);
                }
                key = keys.ip(request);
            }
            List<Policy> policies = rule.policies();
            for (int i = 0; i < policies.size(); i++) {
                Policy p = policies.get(i);
                checks.add(new LimitPlan.Check(rule, p, key, redisKey(key, p)));
            }
        }
        return new LimitPlan(checks, null);
    }

    /** {@code <prefix>ratelimit:{<client key>}:<policy>}: one hash tag per client, so one rule's keys share a slot. */
    String redisKey(String clientKey, Policy p) {
        return keyPrefix + "{" + clientKey + "}:" + p.name() + (p.algorithm() == Algorithm.TOKEN_BUCKET ? ":tb" : "");
    }
}
