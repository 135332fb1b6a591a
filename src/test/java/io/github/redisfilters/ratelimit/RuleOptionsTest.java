package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.config.CidrRange;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-rule failure mode, report-only, exempt ranges and keys, deny status and message: the same
 * rule from the compact syntax, the rules file, the builder and {@code @RateLimit}.
 */
class RuleOptionsTest {
    @TempDir
    Path dir;

    static final String COMPACT = "login: POST /api/auth/login 5/15m fixed by header:X-Api-Key failure local report-only"
            + " exempt 10.0.0.0/8, 192.168.1.7 exempt-keys partner-1,partner-2 deny 403 \"too many login attempts\"";

    static void assertLoginRule(Rule r) {
        assertThat(r.failureMode()).isEqualTo(RateLimitConfig.FailureMode.LOCAL);
        assertThat(r.reportOnly()).isTrue();
        assertThat(r.exempt()).extracting(CidrRange::toString).containsExactly("10.0.0.0/8", "192.168.1.7");
        assertThat(r.exemptKeys()).containsExactly("partner-1", "partner-2");
        assertThat(r.denyStatus()).isEqualTo(403);
        assertThat(r.denyMessage()).isEqualTo("too many login attempts");
    }

    @Test
    void theCompactSyntaxTakesEveryOptionAndPrintsBackToItself() {
        Rule r = Rule.parse(COMPACT);
        assertLoginRule(r);
        assertThat(r.toString()).isEqualTo("login: POST /api/auth/login 5/15m fixed by header:X-Api-Key failure local report-only"
                + " exempt 10.0.0.0/8,192.168.1.7 exempt-keys partner-1,partner-2 deny 403 \"too many login attempts\"");
        assertThat(Rule.parse(r.toString()).toString()).isEqualTo(r.toString());
    }

    @Test
    void optionsComeInAnyOrderAfterThePoliciesAndDefaultsAreUnset() {
        Rule r = Rule.parse("x: /x 1/1s deny 429 failure closed");
        assertThat(r.failureMode()).isEqualTo(RateLimitConfig.FailureMode.CLOSED);
        assertThat(r.denyStatus()).isEqualTo(429);
        assertThat(r.denyMessage()).isNull();
        assertThat(r.toString()).isEqualTo("x: /x 1/1s sliding by ip failure closed");
        Rule plain = Rule.parse("y: /y 1/1s");
        assertThat(plain.failureMode()).as("the filter's failureMode applies").isNull();
        assertThat(plain.reportOnly()).isFalse();
        assertThat(plain.exempt()).isEmpty();
        assertThat(plain.exemptKeys()).isEmpty();
        assertThat(plain.denyStatus()).isEqualTo(429);
        assertThat(Rule.parse("z: /z 1/1s else reject report-only").toString())
                .isEqualTo("z: /z 1/1s sliding by ip else reject report-only");
        assertThatThrownBy(() -> Rule.parse("z: /z 1/1s report-only else reject")).as("key and else come before the options")
                .hasMessageContaining("unexpected 'else'");
    }

    @Test
    void badOptionsNameWhatIsWrong() {
        assertThatThrownBy(() -> Rule.parse("/x 1/1s failure maybe")).hasMessageContaining("expected failure open, closed or local");
        assertThatThrownBy(() -> Rule.parse("/x 1/1s deny 200")).hasMessageContaining("deny status 200 must be from 400 to 599");
        assertThatThrownBy(() -> Rule.parse("/x 1/1s deny soon")).hasMessageContaining("'deny soon'");
        assertThatThrownBy(() -> Rule.parse("/x 1/1s deny 429 \"unfinished")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Rule.parse("/x 1/1s exempt 10.0.0.0/99")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> Rule.parse("/x 1/1s exempt")).hasMessageContaining("'exempt' needs a comma-separated list");
        assertThatThrownBy(() -> Rule.parse("/x 1/1s exempt-keys alice")).hasMessageContaining("exempt keys need a rule keyed by");
        assertThatThrownBy(() -> Rule.parse("/x 1/1s report-only report-only")).hasMessageContaining("'report-only' is given twice");
        assertThatThrownBy(() -> Rule.parse("/x 1/1s failure")).hasMessageContaining("expected failure open, closed or local");
        assertThatThrownBy(() -> RuleParser.parseAll("/x 1/1s deny 418 \"x\" extra")).hasMessageStartingWith("rule '/x 1/1s deny 418")
                .hasMessageContaining("unexpected 'extra'").hasMessageEndingWith("; expected " + RuleParser.SYNTAX);
    }

    @Test
    void theRulesFileTakesTheSameOptions() throws IOException {
        Path json = dir.resolve("rules.json");
        Files.writeString(json, "{\"rules\": [{\"name\": \"login\", \"methods\": [\"POST\"], \"paths\": [\"/api/auth/login\"],"
                + " \"key\": \"header:X-Api-Key\", \"policies\": [{\"limit\": 5, \"window\": \"15m\", \"algorithm\": \"fixed\"}],"
                + " \"failureMode\": \"local\", \"reportOnly\": true, \"exempt\": [\"10.0.0.0/8\", \"192.168.1.7\"],"
                + " \"exemptKeys\": [\"partner-1\", \"partner-2\"], \"denyStatus\": 403, \"denyMessage\": \"too many login attempts\"}]}");
        Path yaml = dir.resolve("rules.yaml");
        Files.writeString(yaml, """
                rules:
                  - name: login
                    methods: [POST]
                    paths: [/api/auth/login]
                    key: header:X-Api-Key
                    policies: [{limit: 5, window: 15m, algorithm: fixed}]
                    failureMode: LOCAL
                    reportOnly: true
                    exempt: [10.0.0.0/8, 192.168.1.7]
                    exemptKeys: [partner-1, partner-2]
                    denyStatus: 403
                    denyMessage: too many login attempts
                """);
        for (Path p : List.of(json, yaml)) {
            List<Rule> rules = RulesFile.load(p.toString(), getClass().getClassLoader());
            assertLoginRule(rules.get(0));
            assertThat(rules.get(0).toString()).isEqualTo(Rule.parse(COMPACT).toString());
        }
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"rules\": [{\"paths\": [\"/x\"], \"policies\": [{\"limit\": 1, \"window\": \"1s\"}],"
                + " \"failureMode\": \"sometimes\"}]}");
        assertThatThrownBy(() -> RulesFile.load(bad.toString(), getClass().getClassLoader()))
                .hasMessageContaining("rule #1").hasMessageContaining("failureMode 'sometimes': expected open, closed or local");
    }

    @Test
    void theBuilderTakesTheSameOptions() {
        Rule r = Rule.builder("login").methods("POST").path("/api/auth/login").policy(5, Duration.ofMinutes(15), Algorithm.FIXED)
                .header("X-Api-Key").failureMode(RateLimitConfig.FailureMode.LOCAL).reportOnly(true)
                .exempt("10.0.0.0/8", "192.168.1.7").exemptKeys("partner-1", "partner-2").denyStatus(403)
                .denyMessage("too many login attempts").build();
        assertLoginRule(r);
        assertThat(r.toString()).isEqualTo(Rule.parse(COMPACT).toString());
        assertThatThrownBy(() -> Rule.builder("x").denyMessage("a \"quoted\" text")).hasMessageContaining("deny message");
        assertThatThrownBy(() -> RateLimitConfig.builder().localMaxKeys(0)).hasMessageContaining("localMaxKeys must be from 1 to 10000000 but was 0");
    }

    /** A listener the init-param names. */
    public static final class NoOp implements RateLimitListener {
        @Override
        public void onDecision(jakarta.servlet.http.HttpServletRequest request, RateLimitDecision decision) {
        }
    }

    @Test
    void theFilterWideOptionsComeFromInitParamsAndBadValuesAreNamed() throws Exception {
        RateLimitConfig c = RateLimitConfig.fromInitParams(RuleSyntaxTest.filterConfig(java.util.Map.of("rules", COMPACT,
                "failureMode", "local", "localMaxKeys", "500", "listener", NoOp.class.getName())));
        assertThat(c.failureMode()).isEqualTo(RateLimitConfig.FailureMode.LOCAL);
        assertThat(c.localMaxKeys()).isEqualTo(500);
        assertThat(c.listener()).isInstanceOf(NoOp.class);
        assertThat(c.trustedProxies()).as("no init-param, no context-param").isEmpty();
        assertLoginRule(c.rules().get(0));
        assertThat(c.toString()).contains("failureMode=local").contains("localMaxKeys=500").contains("listener=" + NoOp.class.getName());
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(RuleSyntaxTest.filterConfig(java.util.Map.of("localMaxKeys", "0"))))
                .hasMessageContaining("filter 'rateLimit'").hasMessageContaining("parameter 'localMaxKeys'").hasMessageContaining("'0'");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(RuleSyntaxTest.filterConfig(java.util.Map.of("listener",
                "com.example.Missing")))).hasMessageContaining("parameter 'listener'").hasMessageContaining("com.example.Missing")
                .hasMessageContaining("RateLimitListener");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(RuleSyntaxTest.filterConfig(java.util.Map.of("listener",
                String.class.getName())))).as("not a listener").hasMessageContaining("parameter 'listener'");
        assertThat(RateLimitConfig.builder().build().trustedProxies()).as("builder default: the context-param at start").isNull();
    }

    @RateLimit(limit = 5, window = "15m", algorithm = Algorithm.FIXED, name = "login", methods = "POST",
            key = KeySource.HEADER, header = "X-Api-Key", failureMode = RateLimitConfig.FailureMode.LOCAL, reportOnly = true,
            exempt = {"10.0.0.0/8", "192.168.1.7"}, exemptKeys = {"partner-1", "partner-2"}, denyStatus = 403,
            denyMessage = "too many login attempts")
    static final class Login extends HttpServlet {
    }

    @RateLimit(limit = 1, window = "1s", denyStatus = 200)
    static final class BadStatus extends HttpServlet {
    }

    @Test
    void theAnnotationTakesTheSameOptions() {
        Rule r = AnnotationRules.forServlet("login", Login.class).get(0);
        assertLoginRule(r);
        assertThatThrownBy(() -> AnnotationRules.forServlet("bad", BadStatus.class))
                .hasMessageContaining("@RateLimit on " + BadStatus.class.getName()).hasMessageContaining("deny status 200");
    }
}
