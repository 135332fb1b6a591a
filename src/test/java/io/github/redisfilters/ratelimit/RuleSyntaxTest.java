package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.config.ConfigException;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

class RuleSyntaxTest {

    @Test
    void theIssueExampleParsesIntoTwoRules() {
        List<Rule> rules = RuleParser.parseAll("POST /api/auth/login 5/15m fixed by ip; /api/** 100/1m sliding by ip");
        assertThat(rules).hasSize(2);
        Rule login = rules.get(0);
        assertThat(login.name()).isEqualTo("rule1");
        assertThat(login.methods()).containsExactly("POST");
        assertThat(login.policies()).containsExactly(new Policy("rule1", 5, Duration.ofMinutes(15), Algorithm.FIXED));
        assertThat(login.matches("POST", "/api/auth/login", null)).isTrue();
        assertThat(login.matches("GET", "/api/auth/login", null)).isFalse();
        Rule api = rules.get(1);
        assertThat(api.policies().get(0).algorithm()).isEqualTo(Algorithm.SLIDING_LOG);
        assertThat(api.matches("GET", "/api/products/7", null)).isTrue();
        assertThat(api.matches("GET", "/health", null)).isFalse();
    }

    @Test
    void namedRuleWithSeveralPoliciesAndAHeaderKey() {
        Rule r = Rule.parse("search: GET,HEAD /search /find/* 10/1s token-bucket,1000/1h sliding-counter by header:X-Api-Key else reject");
        assertThat(r.name()).isEqualTo("search");
        assertThat(r.methods()).containsExactlyInAnyOrder("GET", "HEAD");
        assertThat(r.policies()).extracting(Policy::name).containsExactly("search-1s", "search-1h");
        assertThat(r.policies()).extracting(Policy::algorithm).containsExactly(Algorithm.TOKEN_BUCKET, Algorithm.SLIDING_COUNTER);
        assertThat(r.key()).isEqualTo(KeySource.HEADER);
        assertThat(r.header()).isEqualTo("X-Api-Key");
        assertThat(r.missingKey()).isEqualTo(MissingKey.REJECT);
        assertThat(r.matches("HEAD", "/find/x", null)).isTrue();
    }

    @Test
    void newLinesAndCommentsSeparateRules() {
        assertThat(RuleParser.parseAll("# login\n a: /x 1/1s\n\n b: /y 2/2s fixed")).extracting(Rule::name).containsExactly("a", "b");
    }

    @Test
    void errorsNameTheRuleAndTheOffendingToken() {
        assertThatThrownBy(() -> RuleParser.parseAll("ok: /a 1/1s; bad: /api/** 100/1x sliding"))
                .hasMessageContaining("rule 'bad: /api/** 100/1x sliding'").hasMessageContaining("window '1x'");
        assertThatThrownBy(() -> Rule.parse("/api 0/1m")).hasMessageContaining("limit 0 must be from 1");
        assertThatThrownBy(() -> Rule.parse("/api 10/1m sideways")).hasMessageContaining("unknown algorithm 'sideways'");
        assertThatThrownBy(() -> Rule.parse("/api 10/1m by cookie")).hasMessageContaining("unknown key 'cookie'");
        assertThatThrownBy(() -> Rule.parse("api/x 10/1m")).hasMessageContaining("'api/x' is not a path pattern");
        assertThatThrownBy(() -> Rule.parse("/api")).hasMessageContaining("no policy");
        assertThatThrownBy(() -> Rule.parse("/api \u0665/1m")).as("Arabic-Indic five").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.parse("/api 1\u0665/1m")).hasMessageContaining("is not a number");
        assertThatThrownBy(() -> Rule.parse("/api 10/1m by ip extra")).hasMessageContaining("unexpected 'extra'");
        assertThatThrownBy(() -> Rule.parse("/api 10/1m else maybe")).hasMessageContaining("else maybe");
    }

    @Test
    void badInitParamFailsWithFilterParameterAndValue() {
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("rules", "login: POST /login 5/15 fixed"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("filter 'rateLimit'").hasMessageContaining("parameter 'rules'")
                .hasMessageContaining("login: POST /login 5/15 fixed").hasMessageContaining("window '15'");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("rules", "/a 1/1s", "failureMode", "maybe"))))
                .hasMessageContaining("parameter 'failureMode'").hasMessageContaining("'maybe'").hasMessageContaining("open, closed");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("rule", "/a 1/1s"))))
                .hasMessageContaining("unknown parameter 'rule'").hasMessageContaining("did you mean 'rules'");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("rules", "a: /a 1/1s; a: /b 1/1s"))))
                .hasMessageContaining("filter 'rateLimit'").hasMessageContaining("rule name 'a' is used twice");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("rules", "/a 1/1s by custom"))))
                .hasMessageContaining("keyed 'by custom' but no keyResolver");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("trustedProxies", "10.0.0.0/33"))))
                .hasMessageContaining("parameter 'trustedProxies'").hasMessageContaining("10.0.0.0/33");
    }

    @Test
    void jsonRulesFileIsReadAndItsErrorsNameTheRule() throws Exception {
        RateLimitConfig c = RateLimitConfig.fromInitParams(filterConfig(Map.of("rulesFile", "classpath:ratelimit/rules.json",
                "rules", "first: /first 1/1s")));
        assertThat(c.rules()).extracting(Rule::name).containsExactly("first", "login", "api");
        assertThat(c.rules().get(2).policies()).extracting(Policy::name).containsExactly("api-1s", "api-hourly");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("rulesFile", "classpath:ratelimit/bad-rules.json"))))
                .hasMessageContaining("parameter 'rulesFile'").hasMessageContaining("rule #2 ('broken')")
                .hasMessageContaining("unknown algorithm 'fastest'");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("rulesFile", "/nonexistent/rules.json"))))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void annotationsBecomeRulesAndBadOnesAreNamed() {
        List<Rule> rules = AnnotationRules.forServlet("orders", Annotated.class);
        assertThat(rules).extracting(Rule::name).containsExactly("Annotated-1s", "Annotated-1h");
        assertThat(rules.get(0).matches("GET", "/whatever", "orders")).isTrue();
        assertThat(rules.get(0).matches("GET", "/whatever", "other")).isFalse();
        assertThatThrownBy(() -> AnnotationRules.forServlet("bad", BadlyAnnotated.class))
                .hasMessageContaining("@RateLimit on " + BadlyAnnotated.class.getName()).hasMessageContaining("servlet 'bad'");
    }

    @Test
    void toStringShowsEffectiveConfig() {
        RateLimitConfig c = RateLimitConfig.builder().rules("login: POST /login 5/15m fixed").trustedProxies("10.0.0.0/8").build();
        assertThat(c.toString()).contains("login: POST /login 5/15m fixed by ip").contains("10.0.0.0/8").contains("failureMode=open");
    }

    @RateLimit(limit = 10, window = "1s")
    @RateLimit(limit = 100, window = "1h", algorithm = Algorithm.FIXED)
    static class Annotated {
    }

    @RateLimit(limit = 10, window = "soon")
    static class BadlyAnnotated {
    }

    static FilterConfig filterConfig(Map<String, String> params) {
        FilterConfig fc = Mockito.mock(FilterConfig.class);
        ServletContext ctx = Mockito.mock(ServletContext.class);
        Mockito.when(ctx.getClassLoader()).thenReturn(RuleSyntaxTest.class.getClassLoader());
        Mockito.when(fc.getServletContext()).thenReturn(ctx);
        Mockito.when(fc.getFilterName()).thenReturn("rateLimit");
        Enumeration<String> names = Collections.enumeration(params.keySet());
        Mockito.when(fc.getInitParameterNames()).thenReturn(names);
        params.forEach((k, v) -> Mockito.when(fc.getInitParameter(k)).thenReturn(v));
        return fc;
    }
}
