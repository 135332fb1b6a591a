package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory limiter of rules in failure mode {@code local}: limits, give-backs, report-only, bounded memory. */
class LocalLimiterTest {
    static final long NOW = 1_800_000_000_000L;

    static List<LimitPlan.Check> checks(String client, Rule... rules) {
        List<LimitPlan.Check> out = new ArrayList<>();
        for (Rule r : rules) {
            for (Policy p : r.policies()) {
                out.add(new LimitPlan.Check(r, p, client, "unused"));
            }
        }
        return out;
    }

    @Test
    void aFixedRuleAdmitsExactlyItsLimitPerClient() {
        LocalLimiter local = new LocalLimiter(100);
        Rule login = Rule.parse("login: POST /login 3/15m fixed failure local");
        for (int i = 1; i <= 3; i++) {
            Decision d = local.check(checks("ip:1.2.3.4", login), NOW);
            assertThat(d.admitted()).isTrue();
            assertThat(d.local()).isTrue();
            assertThat(d.outcomes().get(0).remaining()).isEqualTo(3 - i);
        }
        Decision denied = local.check(checks("ip:1.2.3.4", login), NOW);
        assertThat(denied.admitted()).isFalse();
        assertThat(denied.outcomes().get(0).remaining()).isZero();
        assertThat(denied.secondsUntilReset(denied.mostRestrictive())).isPositive();
        assertThat(local.check(checks("ip:5.6.7.8", login), NOW).admitted()).as("another client").isTrue();
    }

    @Test
    void aDenialByOneRuleGivesTheOthersTheirTokenBack() {
        LocalLimiter local = new LocalLimiter(100);
        Rule wide = Rule.parse("wide: /** 2/1h fixed");
        Rule narrow = Rule.parse("narrow: /x 1/1h fixed");
        assertThat(local.check(checks("c", wide, narrow), NOW).admitted()).isTrue();
        Decision d = local.check(checks("c", wide, narrow), NOW);
        assertThat(d.admitted()).isFalse();
        assertThat(d.outcomes().get(0).remaining()).as("wide got its token back").isEqualTo(1);
        assertThat(local.check(checks("c", wide), NOW).admitted()).isTrue();
        assertThat(local.check(checks("c", wide), NOW).admitted()).isFalse();
    }

    @Test
    void aReportOnlyRuleNeverDenies() {
        LocalLimiter local = new LocalLimiter(100);
        Rule shadow = Rule.parse("shadow: /** 1/1h fixed report-only");
        Rule real = Rule.parse("real: /** 5/1h fixed");
        local.check(checks("c", shadow, real), NOW);
        Decision d = local.check(checks("c", shadow, real), NOW);
        assertThat(d.admitted()).isTrue();
        assertThat(d.reported()).isTrue();
        assertThat(d.outcomes().get(1).remaining()).isEqualTo(3);
    }

    @Test
    void memoryIsBoundedAndTheLeastRecentlyUsedClientIsDropped() {
        LocalLimiter local = new LocalLimiter(2);
        Rule r = Rule.parse("r: /** 1/1h fixed");
        assertThat(local.check(checks("a", r), NOW).admitted()).isTrue();
        assertThat(local.check(checks("b", r), NOW).admitted()).isTrue();
        assertThat(local.check(checks("a", r), NOW).admitted()).as("a used again: now the most recent").isFalse();
        assertThat(local.check(checks("c", r), NOW).admitted()).isTrue();
        assertThat(local.size()).isEqualTo(2);
        assertThat(local.check(checks("a", r), NOW).admitted()).as("a stays").isFalse();
        assertThat(local.check(checks("b", r), NOW).admitted()).as("b was dropped: a full quota again").isTrue();
        assertThat(local.size()).isEqualTo(2);
    }
}
