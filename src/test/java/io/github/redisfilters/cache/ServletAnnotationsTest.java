package io.github.redisfilters.cache;

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
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@code @CacheResponse} / {@code @NoCache} do when they are wrong: refused at the filter's
 * start naming the filter, the class, the attribute and its value; on a servlet registered after
 * the start, one ERROR and the servlet is not cached. (Each bounded value: {@code BoundaryValuesTest}.)
 */
class ServletAnnotationsTest {
    @CacheResponse(ttl = "1m", staleIfError = "400d")
    static final class TooStale extends HttpServlet {
    }

    @CacheResponse(ttl = "1m")
    @NoCache
    static final class Both extends HttpServlet {
    }

    @CacheResponse(ttl = "0s")
    static final class LateAndBad extends HttpServlet {
    }

    @CacheResponse(ttl = "30s", staleWhileRevalidate = "5s")
    static final class LateAndGood extends HttpServlet {
    }

    @Test
    void theFilterStartRefusesABadAnnotationNamingFilterClassAttributeAndValue() {
        ServletContext context = context(Map.of("products", TooStale.class));
        FilterConfig fc = mock(FilterConfig.class);
        when(fc.getFilterName()).thenReturn("cache");
        when(fc.getInitParameterNames()).thenReturn(Collections.emptyEnumeration());
        when(fc.getServletContext()).thenReturn(context);
        assertThatThrownBy(() -> new ResponseCacheFilter().init(fc))
                .isInstanceOf(ConfigException.class)
                .hasMessage("filter 'cache': @CacheResponse on " + TooStale.class.getName() + ": staleIfError = \"400d\":"
                        + " staleIfError must be from 0s to 366d but was 400d");
    }

    @Test
    void aDurationThatIsNoDurationNamesTheAttributeAndTheForm() {
        CacheResponse a = AnnotationInstances.of(CacheResponse.class, Map.of("ttl", "soon"));
        assertThatThrownBy(() -> ServletAnnotations.rule("x.Products", a, false))
                .hasMessageStartingWith("@CacheResponse on x.Products: ttl = \"soon\": expected a duration such as 500ms");
    }

    @Test
    void noCacheAndCacheResponseOnOneClassAreRefused() {
        ServletAnnotations annotations = new ServletAnnotations(context(Map.of("both", Both.class)), "filter 'cache'");
        assertThatThrownBy(annotations::preload)
                .hasMessage("@CacheResponse on " + Both.class.getName() + ": the class is also annotated @NoCache; keep one of the two");
    }

    @Test
    void aServletRegisteredAfterTheStartIsReadOnItsFirstRequestAndABadOneIsLoggedOnceAndNotCached() {
        ServletContext context = context(Map.of());
        ServletAnnotations annotations = new ServletAnnotations(context, "filter 'cache'");
        annotations.preload();
        register(context, "late-bad", LateAndBad.class);
        register(context, "late-good", LateAndGood.class);
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(annotations.ruleFor(request("late-bad"))).containsSame(ServletAnnotations.NO_CACHE);
                Optional<ResponseCacheConfig.Rule> good = annotations.ruleFor(request("late-good"));
                assertThat(good).get().extracting(ResponseCacheConfig.Rule::ttl).isEqualTo(Duration.ofSeconds(30));
            }
            assertThat(log.lines("ERROR", "filter 'cache': @CacheResponse on " + LateAndBad.class.getName() + ": ttl = \"0s\":"
                    + " ttl must be from 1s to 366d but was 0s; the servlet is not cached", "registered after the filter started"))
                    .isEqualTo(1);
            assertThat(log.lines("ServletAnnotations")).isEqualTo(1);
        }
    }

    static HttpServletRequest request(String servletName) {
        HttpServletMapping mapping = mock(HttpServletMapping.class);
        when(mapping.getServletName()).thenReturn(servletName);
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getHttpServletMapping()).thenReturn(mapping);
        return request;
    }

    static ServletContext context(Map<String, Class<?>> servlets) {
        ServletContext context = mock(ServletContext.class);
        Map<String, ServletRegistration> regs = new HashMap<>();
        doReturn(regs).when(context).getServletRegistrations();
        when(context.getInitParameterNames()).thenReturn(Collections.emptyEnumeration());
        servlets.forEach((name, type) -> regs.put(name, register(context, name, type)));
        return context;
    }

    /** Makes {@code name} resolvable (as a servlet added later is) without adding it to the registrations map. */
    static ServletRegistration register(ServletContext context, String name, Class<?> type) {
        ServletRegistration reg = mock(ServletRegistration.class);
        when(reg.getClassName()).thenReturn(type.getName());
        doReturn(reg).when(context).getServletRegistration(name);
        return reg;
    }
}
