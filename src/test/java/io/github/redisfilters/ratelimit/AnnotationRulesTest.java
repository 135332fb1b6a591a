package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.testing.AnnotationInstances;
import io.github.redisfilters.testing.LogCapture;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@code @RateLimit} does when it is wrong: refused at the filter's start naming the filter,
 * the servlet class, the attribute and its value; on a servlet registered after the start, one
 * ERROR instead of a silently missing limit. (Each bounded value: {@code BoundaryValuesTest}.)
 */
class AnnotationRulesTest {
    @RateLimit(limit = 1, window = "1s", denyStatus = 200)
    static final class BadStatus extends HttpServlet {
    }

    @RateLimit(limit = 0, window = "1s")
    static final class LateAndBad extends HttpServlet {
    }

    @RateLimit(limit = 5, window = "1m")
    static final class LateAndGood extends HttpServlet {
    }

    static final class Plain extends HttpServlet {
    }

    static String refusal(Map<String, ?> values) {
        try {
            AnnotationRules.forServlet("s", Plain.class, new RateLimit[] {AnnotationInstances.of(RateLimit.class, values)});
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void theFilterStartRefusesABadAnnotationNamingFilterClassAttributeAndValue() {
        ServletContext context = context(Map.of("bad", BadStatus.class));
        FilterConfig fc = mock(FilterConfig.class);
        when(fc.getFilterName()).thenReturn("rateLimit");
        when(fc.getInitParameterNames()).thenReturn(Collections.emptyEnumeration());
        when(fc.getServletContext()).thenReturn(context);
        assertThatThrownBy(() -> new RateLimitFilter().init(fc))
                .isInstanceOf(ConfigException.class)
                .hasMessage("filter 'rateLimit': @RateLimit on " + BadStatus.class.getName() + " (servlet 'bad'): denyStatus = 200:"
                        + " rule 'BadStatus': deny status 200 must be from 400 to 599");
    }

    @Test
    void aWindowThatIsNoDurationNamesTheAttributeAndTheForm() {
        assertThat(refusal(Map.of("limit", 1, "window", "soon")))
                .startsWith("@RateLimit on " + Plain.class.getName() + " (servlet 's'): window = \"soon\": ")
                .contains("a duration such as 500ms");
    }

    @Test
    void aHeaderIsTheKeyOnlyWithKeyHeader() {
        assertThat(refusal(Map.of("limit", 1, "window", "1s", "header", "X-Api-Key")))
                .contains("header = \"X-Api-Key\": a header is the key only with key = HEADER (key is IP)");
        assertThat(refusal(Map.of("limit", 1, "window", "1s", "key", KeySource.HEADER, "header", "X-Api-Key"))).isNull();
        assertThat(refusal(Map.of("limit", 1, "window", "1s", "key", KeySource.HEADER)))
                .contains("header = \"\": rule 'Plain': '' is not a header name");
    }

    @Test
    void missingKeyAndFailureModeTakeOneValue() {
        assertThat(refusal(Map.of("limit", 1, "window", "1s", "missingKey", new MissingKey[] {MissingKey.IP, MissingKey.REJECT})))
                .contains("missingKey = {IP, REJECT}: give at most one value");
        assertThat(refusal(Map.of("limit", 1, "window", "1s", "failureMode",
                new RateLimitConfig.FailureMode[] {RateLimitConfig.FailureMode.OPEN, RateLimitConfig.FailureMode.CLOSED})))
                .contains("failureMode = {OPEN, CLOSED}: give at most one value");
    }

    @Test
    void aServletRegisteredAfterTheStartIsNamedOnceNotSilentlyUnlimited() {
        ServletContext context = context(Map.of("late-bad", LateAndBad.class, "late-good", LateAndGood.class, "plain", Plain.class));
        LateServlets late = new LateServlets(context, "filter 'rateLimit'", Set.of("early"));
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 3; i++) {
                late.check("early");
                late.check("late-bad");
                late.check("late-good");
                late.check("plain");
                late.check(null);
            }
            assertThat(log.lines("ERROR", "filter 'rateLimit': @RateLimit on " + LateAndBad.class.getName() + " (servlet 'late-bad'):"
                    + " limit = 0: policy 'LateAndBad': limit 0 must be from 1 to 1000000000; the annotation is not applied",
                    "registered after the filter started")).isEqualTo(1);
            assertThat(log.lines("ERROR", "filter 'rateLimit': @RateLimit on " + LateAndGood.class.getName() + " (servlet 'late-good');"
                    + " the annotation is not applied", "registered after the filter started")).isEqualTo(1);
            assertThat(log.lines("RateLimitFilter")).as("nothing about servlets without @RateLimit or known at start").isEqualTo(2);
        }
    }

    /** A context whose registered servlets are these classes by name. */
    static ServletContext context(Map<String, Class<?>> servlets) {
        ServletContext context = mock(ServletContext.class);
        Map<String, ServletRegistration> regs = new java.util.HashMap<>();
        servlets.forEach((name, type) -> {
            ServletRegistration reg = mock(ServletRegistration.class);
            when(reg.getClassName()).thenReturn(type.getName());
            regs.put(name, reg);
            doReturn(reg).when(context).getServletRegistration(name);
        });
        doReturn(regs).when(context).getServletRegistrations();
        when(context.getInitParameterNames()).thenReturn(Collections.emptyEnumeration());
        return context;
    }

    @Test
    void lateServletsAreLookedForInOneRequestOfEverySample() {
        LateServlets late = new LateServlets(context(Map.of()), "filter 'rateLimit'", Set.of());
        List<Boolean> first = new java.util.ArrayList<>();
        for (int i = 0; i < 2 * LateServlets.SAMPLE + 1; i++) {
            first.add(late.sample());
        }
        assertThat(first.get(0)).as("the first request is looked at").isTrue();
        assertThat(first.stream().filter(b -> b).count()).isEqualTo(3);
        assertThat(first.get(LateServlets.SAMPLE)).isTrue();
    }
}
