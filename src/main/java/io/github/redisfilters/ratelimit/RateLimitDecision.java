package io.github.redisfilters.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the {@link RateLimitFilter} decided for one request, for the application and for metrics.
 * The filter puts it in the request attribute {@value #ATTRIBUTE} (type {@code RateLimitDecision})
 * for every request that matched at least one rule, before the request goes on or is denied, and
 * hands it to the {@link RateLimitListener} if one is configured. Immutable.
 */
public final class RateLimitDecision {
    /** The request attribute holding the decision: {@value}. */
    public static final String ATTRIBUTE = "io.github.redisfilters.ratelimit.decision";

    /** Where the decision came from. */
    public enum Source {
        /** Redis counted the request (the normal case). */
        REDIS,
        /** Redis was unavailable; this server's in-memory limiter decided (rules with failure mode {@code local}). */
        LOCAL,
        /** Redis was unavailable and no rule decided locally: admitted (failure mode {@code open}) or 503 ({@code closed}). */
        UNAVAILABLE,
        /** The request is exempt from every rule it matched (exempt address or key): nothing was counted. */
        EXEMPT
    }

    /**
     * One policy's verdict.
     *
     * @param rule               the rule's name
     * @param policy             the policy's name
     * @param limit              requests per window
     * @param window             the window
     * @param admitted           whether this policy admitted the request
     * @param remaining          requests left in the window after this one
     * @param resetAtEpochMillis when the policy next frees quota (epoch milliseconds)
     * @param reportOnly         whether the rule is report-only (its denial never blocks)
     */
    public record PolicyResult(String rule, String policy, long limit, Duration window, boolean admitted, long remaining,
            long resetAtEpochMillis, boolean reportOnly) {
    }

    private final Decision decision;
    private final Source source;
    private final boolean blocked;
    private final List<Rule> exempt;
    private volatile List<PolicyResult> policies;

    RateLimitDecision(Decision decision, Source source, boolean blocked, List<Rule> exempt) {
        this.decision = decision;
        this.source = source;
        this.blocked = blocked;
        this.exempt = exempt;
    }

    /** Where the decision came from. */
    public Source source() {
        return source;
    }

    /**
     * True when the filter answered the request itself (the rule's deny status, 429 by default,
     * or 503 while Redis is unavailable under failure mode {@code closed}) instead of passing it
     * on.
     */
    public boolean blocked() {
        return blocked;
    }

    /**
     * True when an enforced (not report-only) policy denied the request. It is then blocked,
     * unless the filter runs with {@code enforce=false}.
     */
    public boolean limited() {
        return decision != null && !decision.admitted();
    }

    /** True when a report-only policy would have denied the request (it was not blocked for that). */
    public boolean reported() {
        return decision != null && decision.reported();
    }

    /** Names of the matching rules the request is exempt from (by address or key); empty when none. */
    public List<String> exemptRules() {
        if (exempt.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(exempt.size());
        exempt.forEach(r -> out.add(r.name()));
        return Collections.unmodifiableList(out);
    }

    /** Every checked policy's verdict, in rule order; empty when nothing was counted (exempt, Redis unavailable). */
    public List<PolicyResult> policies() {
        List<PolicyResult> p = policies;
        if (p == null) {
            if (decision == null) {
                p = List.of();
            } else {
                List<PolicyResult> out = new ArrayList<>(decision.outcomes().size());
                for (Decision.Outcome o : decision.outcomes()) {
                    out.add(new PolicyResult(o.rule().name(), o.policy().name(), o.policy().limit(), o.policy().window(),
                            o.admitted(), o.remaining(), o.resetAtMillis(), o.rule().reportOnly()));
                }
                p = Collections.unmodifiableList(out);
            }
            policies = p;
        }
        return p;
    }

    @Override
    public String toString() {
        return "RateLimitDecision{source=" + source + ", blocked=" + blocked + ", limited=" + limited() + ", reported="
                + reported() + ", exempt=" + exemptRules() + ", policies=" + policies() + "}";
    }
}
