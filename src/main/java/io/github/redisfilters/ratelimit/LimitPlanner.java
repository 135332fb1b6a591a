package io.github.redisfilters.ratelimit;

import io.github.redisfilters.config.CidrRange;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Turns a request and its matching rules into a {@link LimitPlan}. */
final class LimitPlanner {
    private final String keyPrefix;
    private final RequestKeys keys;
    private final MissingKey defaultMissingKey;
    /** Per rule with exempt keys: the keys they stand for, as {@link RequestKeys#of} derives them. */
    private final Map<Rule, Set<String>> exemptKeys = new ConcurrentHashMap<>();

    LimitPlanner(String keyPrefix, RequestKeys keys, MissingKey defaultMissingKey) {
        this.keyPrefix = keyPrefix + "ratelimit:";
        this.keys = keys;
        this.defaultMissingKey = defaultMissingKey;
    }

    LimitPlan plan(HttpServletRequest request, List<Rule> matching) {
        List<LimitPlan.Check> checks = new ArrayList<>(matching.size() + 1);
        List<Rule> exempt = null;
        String address = null;
        String ipKey = null;
        for (int r = 0; r < matching.size(); r++) { // indexed: no iterator per request
            Rule rule = matching.get(r);
            String key;
            if (rule.key() == KeySource.IP) {
                if (ipKey == null) {
                    address = keys.address(request);
                    ipKey = keys.ipKey(address);
                }
                key = ipKey;
            } else {
                key = keys.of(rule, request);
            }
            if (!rule.exempt().isEmpty()) {
                if (address == null) {
                    address = keys.address(request);
                }
                if (inRanges(rule.exempt(), address)) {
                    exempt = add(exempt, rule);
                    continue;
                }
            }
            if (key == null) {
                MissingKey action = rule.missingKey() != null ? rule.missingKey() : defaultMissingKey;
                if (action == MissingKey.REJECT) {
                    return new LimitPlan(List.of(), rule);
                }
                if (ipKey == null) {
                    address = address != null ? address : keys.address(request);
                    ipKey = keys.ipKey(address);
                }
                key = ipKey;
            } else if (!rule.exemptKeys().isEmpty() && exemptKeys(rule).contains(key)) {
                exempt = add(exempt, rule);
                continue;
            }
            List<Policy> policies = rule.policies();
            for (int i = 0; i < policies.size(); i++) {
                Policy p = policies.get(i);
                checks.add(new LimitPlan.Check(rule, p, key, redisKey(key, p)));
            }
        }
        return new LimitPlan(checks, null, exempt == null ? List.of() : exempt);
    }

    private static List<Rule> add(List<Rule> list, Rule rule) {
        List<Rule> out = list == null ? new ArrayList<>(2) : list;
        out.add(rule);
        return out;
    }

    private static boolean inRanges(List<CidrRange> ranges, String address) {
        byte[] literal = CidrRange.literal(address);
        if (literal == null) {
            return false;
        }
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).contains(literal)) {
                return true;
            }
        }
        return false;
    }

    private Set<String> exemptKeys(Rule rule) {
        return exemptKeys.computeIfAbsent(rule, r -> {
            Set<String> out = new HashSet<>();
            for (String v : r.exemptKeys()) {
                String k = RequestKeys.derive(r.key(), v);
                if (k != null) {
                    out.add(k);
                }
            }
            return out;
        });
    }

    /** {@code <prefix>ratelimit:{<client key>}:<policy>}: one hash tag per client, so one rule's keys share a slot. */
    String redisKey(String clientKey, Policy p) {
        return keyPrefix + "{" + clientKey + "}:" + p.name() + (p.algorithm() == Algorithm.TOKEN_BUCKET ? ":tb" : "");
    }
}
