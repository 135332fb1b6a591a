package io.github.redisfilters.ratelimit;

import java.util.List;

/**
 * The verdict for one request: admitted only if every enforced policy admitted it (a report-only
 * policy's denial is reported, never enforced).
 *
 * @param nowMillis the clock the verdict was computed with (Redis {@code TIME} by default)
 * @param local     decided by this server's in-memory limiter while Redis was unavailable
 */
record Decision(boolean admitted, long nowMillis, List<Outcome> outcomes, boolean local) {
    Decision(boolean admitted, long nowMillis, List<Outcome> outcomes) {
        this(admitted, nowMillis, outcomes, false);
    }

    /** One policy's verdict; {@code resetAtMillis} = when it next frees one unit of quota. */
    record Outcome(Rule rule, Policy policy, boolean admitted, long remaining, long resetAtMillis) {
        /** Whether this outcome denies the request (an enforced policy that did not admit it). */
        boolean denies() {
            return !admitted && !rule.reportOnly();
        }
    }

    /** Seconds until {@code o} frees quota, at least 1 (the value of {@code Retry-After} and draft {@code t}). */
    long secondsUntilReset(Outcome o) {
        long ms = o.resetAtMillis() - nowMillis;
        return Math.max(1, (ms + 999) / 1000);
    }

    /** Whether some report-only policy did not admit the request. */
    boolean reported() {
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            if (!o.admitted() && o.rule().reportOnly()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The outcome that drives the single-valued legacy headers: on a denial the enforced violated
     * policy that frees last; otherwise the policy with the fewest remaining requests (ties: later
     * reset).
     */
    Outcome mostRestrictive() {
        Outcome best = null;
        for (int i = 0; i < outcomes.size(); i++) { // indexed: no iterator per request
            Outcome o = outcomes.get(i);
            if (best == null) {
                best = o;
            } else if (!admitted) {
                if (o.denies() && (!best.denies() || o.resetAtMillis() > best.resetAtMillis())) {
                    best = o;
                }
            } else if (o.remaining() < best.remaining()
                    || (o.remaining() == best.remaining() && o.resetAtMillis() > best.resetAtMillis())) {
                best = o;
            }
        }
        return best;
    }
}
