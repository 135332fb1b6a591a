package io.github.redisfilters.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This server's own limits for the rules whose failure mode is {@code local}, used only while
 * Redis cannot answer: one Bucket4j local bucket per rule and client, one bandwidth per policy
 * (capacity = limit; a fixed window refills all of it once per window, the other algorithms
 * refill greedily at limit per window), so a brute-force limit still holds on every server.
 *
 * <p>Memory is bounded: at most {@code maxKeys} buckets (a few hundred bytes each), kept in
 * least-recently-used order; when full, the bucket used longest ago is dropped, and that client
 * starts again with a full quota if it comes back during the same outage. The buckets stay after
 * Redis returns (Redis decides again at once) and refill by themselves, so a later outage starts
 * from what they hold then.
 */
final class LocalLimiter {
    private final Map<String, Bucket> buckets;

    LocalLimiter(int maxKeys) {
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Number of buckets held (tests, status). */
    int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /**
     * Decides {@code checks} (the policies of the local rules, grouped by rule as the planner made
     * them) on this server: every rule's bucket is asked in turn; when an enforced one denies, the
     * earlier ones get their token back, so a denied request consumes nothing.
     */
    Decision check(List<LimitPlan.Check> checks, long nowMillis) {
        List<Decision.Outcome> outcomes = new ArrayList<>(checks.size());
        List<Bucket> taken = new ArrayList<>(2);
        List<List<LimitPlan.Check>> takenGroups = new ArrayList<>(2);
        List<Integer> takenAt = new ArrayList<>(2);
        int from = 0;
        while (from < checks.size()) {
            int to = from + 1;
            while (to < checks.size() && checks.get(to).rule() == checks.get(from).rule()) {
                to++;
            }
            List<LimitPlan.Check> group = checks.subList(from, to);
            from = to;
            Bucket bucket = bucket(group);
            VerboseResult<ConsumptionProbe> result = bucket.asVerbose().tryConsumeAndReturnRemaining(1);
            boolean consumed = result.getValue().isConsumed();
            int at = outcomes.size();
            RedisLimiter.addOutcomes(group, result, consumed, nowMillis, outcomes);
            if (consumed) {
                taken.add(bucket);
                takenGroups.add(group);
                takenAt.add(at);
            } else if (!group.get(0).rule().reportOnly()) {
                for (int i = 0; i < taken.size(); i++) {
                    VerboseResult<?> back = taken.get(i).asVerbose().addTokens(1);
                    List<Decision.Outcome> redone = new ArrayList<>();
                    RedisLimiter.addOutcomes(takenGroups.get(i), back, true, nowMillis, redone);
                    for (int k = 0; k < redone.size(); k++) {
                        outcomes.set(takenAt.get(i) + k, redone.get(k));
                    }
                }
                return new Decision(false, nowMillis, outcomes, true);
            }
        }
        return new Decision(true, nowMillis, outcomes, true);
    }

    private Bucket bucket(List<LimitPlan.Check> group) {
        String key = group.get(0).rule().name() + "\u0000" + group.get(0).hashTag();
        synchronized (buckets) {
            Bucket b = buckets.get(key);
            if (b == null) {
                LocalBucketBuilder builder = Bucket.builder();
                for (LimitPlan.Check c : group) {
                    Policy p = c.policy();
                    builder.addLimit(l -> p.algorithm() == Algorithm.FIXED ? l.capacity(p.limit()).refillIntervally(p.limit(), p.window())
                            : l.capacity(p.limit()).refillGreedy(p.limit(), p.window()));
                }
                b = builder.build();
                buckets.put(key, b);
            }
            return b;
        }
    }
}
