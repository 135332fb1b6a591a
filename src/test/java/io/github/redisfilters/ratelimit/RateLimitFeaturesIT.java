package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * What users know from Tomcat's RateLimitFilter, Bucket4j and Spring Session (issue 18):
 * report-only rules, exempt ranges and keys, the deny status and message, the decision as a
 * request attribute, a listener for metrics, and client addresses from the shared trusted-proxy
 * setting.
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class RateLimitFeaturesIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    @Parameter
    ContainerKind kind;

    @BeforeEach
    void clearListener() {
        Recording.DECISIONS.clear();
    }

    /** Prints the decision attribute as the application sees it. */
    static final class Echo extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Object a = req.getAttribute(RateLimitFilter.DECISION_ATTRIBUTE);
            resp.setContentType("text/plain");
            if (a instanceof RateLimitDecision d) {
                StringBuilder s = new StringBuilder(d.source() + " limited=" + d.limited() + " reported=" + d.reported()
                        + " exempt=" + d.exemptRules());
                for (RateLimitDecision.PolicyResult p : d.policies()) {
                    s.append(' ').append(p.policy()).append(p.admitted() ? ":ok:" : ":over:").append(p.remaining())
                            .append(p.reportOnly() ? ":report-only" : "");
                }
                resp.getWriter().print(s);
            } else {
                resp.getWriter().print("no decision");
            }
        }
    }

    /** A listener named by class in the {@code listener} init-param. */
    public static final class Recording implements RateLimitListener {
        static final List<RateLimitDecision> DECISIONS = new CopyOnWriteArrayList<>();

        @Override
        public void onDecision(HttpServletRequest request, RateLimitDecision decision) {
            DECISIONS.add(decision);
        }
    }

    ServletContainer app(Map<String, String> params, Map<String, String> contextParams, AtomicReference<RateLimitFilter> filter) {
        return kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            contextParams.forEach(ctx::setInitParameter);
            RateLimitFilter f = new RateLimitFilter() {
            };
            if (filter != null) {
                filter.set(f);
            }
            FilterRegistration.Dynamic reg = ctx.addFilter("rateLimit", f);
            params.forEach(reg::setInitParameter);
            reg.addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("echo", new Echo()).addMapping("/*");
        });
    }

    long hits(String key, String field) {
        try (Jedis j = REDIS.process().admin()) {
            String v = j.hget(key, field);
            return v == null ? 0 : Long.parseLong(v);
        }
    }

    @Test
    void aReportOnlyRuleIsDecidedCountedAndShownButNeverDenies() {
        AtomicReference<RateLimitFilter> f = new AtomicReference<>();
        try (ServletContainer app = app(Map.of("rules", "shadow: /r 2/1h fixed report-only; real: /r 100/1h fixed"), Map.of(), f)) {
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> r = Http.get(app.uri("/r"));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-RateLimit-Remaining")).hasValue(i <= 2 ? String.valueOf(2 - i) : "0");
                assertThat(r.headers().firstValue("Retry-After")).isEmpty();
                assertThat(r.body()).startsWith("REDIS limited=false reported=" + (i > 2))
                        .contains("shadow:" + (i <= 2 ? "ok:" + (2 - i) : "over:0") + ":report-only")
                        .contains("real:ok:" + (100 - i));
            }
            assertThat(f.get().metrics().get("reported.shadow")).isEqualTo(3);
            assertThat(f.get().metrics().get("allowed.real")).isEqualTo(5);
            try (Jedis j = REDIS.process().admin()) {
                String shadow = j.keys("rsf:ratelimit:*:shadow").iterator().next();
                String real = j.keys("rsf:ratelimit:*:real").iterator().next();
                assertThat(j.hvals(shadow)).as("a report-only denial takes no quota, as if it had been enforced")
                        .containsExactly("2");
                assertThat(j.hvals(real)).containsExactly("5");
            }
        }
    }

    @Test
    void anEnforcedDenialCostsTheReportOnlyRuleNothing() {
        try (ServletContainer app = app(Map.of("rules", "shadow: /r 10/1h sliding report-only; real: /r 2/1h sliding-counter"),
                Map.of(), null)) {
            assertThat(Http.get(app.uri("/r")).statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/r")).statusCode()).isEqualTo(200);
            HttpResponse<String> denied = Http.get(app.uri("/r"));
            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.body()).contains("\"policies\":[\"real\"]");
            try (Jedis j = REDIS.process().admin()) {
                String shadow = j.keys("rsf:ratelimit:*:shadow").iterator().next();
                assertThat(j.zcard(shadow)).isEqualTo(2);
            }
        }
    }

    @Test
    void exemptRangesFollowTheSharedTrustedProxySetting() {
        Map<String, String> params = Map.of("rules", "x: /x 1/1h fixed exempt 10.0.0.0/8", "listener", Recording.class.getName());
        AtomicReference<RateLimitFilter> f = new AtomicReference<>();
        try (ServletContainer app = app(params, Map.of("trustedProxies", "127.0.0.1"), f)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = Http.get(app.uri("/x"), "X-Forwarded-For", "10.1.2.3");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-RateLimit-Limit")).isEmpty();
                assertThat(r.body()).isEqualTo("EXEMPT limited=false reported=false exempt=[x]");
            }
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "198.51.100.7").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "198.51.100.7").statusCode()).isEqualTo(429);
            assertThat(f.get().metrics().get("exempt.x")).isEqualTo(3);
            assertThat(Recording.DECISIONS).extracting(RateLimitDecision::source).containsExactly(RateLimitDecision.Source.EXEMPT,
                    RateLimitDecision.Source.EXEMPT, RateLimitDecision.Source.EXEMPT, RateLimitDecision.Source.REDIS,
                    RateLimitDecision.Source.REDIS);
            assertThat(Recording.DECISIONS).extracting(RateLimitDecision::blocked).containsExactly(false, false, false, false, true);
        }
        REDIS.process().flushAll();
        try (ServletContainer app = app(Map.of("rules", "x: /x 1/1h fixed exempt 10.0.0.0/8"), Map.of(), null)) {
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "10.1.2.3").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "10.1.2.3").statusCode())
                    .as("no trusted proxy: the header is not believed, the peer 127.0.0.1 is not exempt").isEqualTo(429);
        }
    }

    @Test
    void theFiltersOwnTrustedProxiesOverrideTheContextParam() {
        try (ServletContainer app = app(Map.of("rules", "x: /x 1/1h fixed", "trustedProxies", "192.0.2.1"),
                Map.of("trustedProxies", "127.0.0.1"), null)) {
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/x"), "X-Forwarded-For", "198.51.100.2").statusCode())
                    .as("127.0.0.1 is not trusted by this filter: both count as 127.0.0.1").isEqualTo(429);
        }
    }

    @Test
    void exemptKeysAreNeverLimited() {
        try (ServletContainer app = app(Map.of("rules", "k: /k 1/1h fixed by header:X-Api-Key exempt-keys partner-1"), Map.of(), null)) {
            for (int i = 0; i < 3; i++) {
                assertThat(Http.get(app.uri("/k"), "X-Api-Key", "partner-1").statusCode()).isEqualTo(200);
            }
            assertThat(Http.get(app.uri("/k"), "X-Api-Key", "someone").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/k"), "X-Api-Key", "someone").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void aRuleSetsItsDenyStatusAndMessage() {
        RateLimitConfig config = RateLimitConfig.builder()
                .rule(Rule.builder("d").path("/d").policy(1, Duration.ofHours(1), Algorithm.FIXED).denyStatus(503)
                        .denyMessage("the export service is busy").build())
                .rules("other: /o 1/1h fixed")
                .redisSettings(RedisSettings.builder().url(REDIS.process().url()).build()).build();
        try (ServletContainer app = kind.start(ctx -> {
            ctx.addFilter("rateLimit", new RateLimitFilter(config)).addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("echo", new Echo()).addMapping("/*");
        })) {
            assertThat(Http.get(app.uri("/d")).statusCode()).isEqualTo(200);
            HttpResponse<String> denied = Http.get(app.uri("/d"));
            assertThat(denied.statusCode()).isEqualTo(503);
            assertThat(denied.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(denied.headers().firstValue("Retry-After")).isPresent();
            assertThat(denied.body()).contains("\"status\":503").contains("the export service is busy");
            assertThat(Http.get(app.uri("/o")).statusCode()).isEqualTo(200);
            HttpResponse<String> plain = Http.get(app.uri("/o"));
            assertThat(plain.statusCode()).isEqualTo(429);
            assertThat(plain.body()).contains("rate limit exceeded: other");
        }
    }
}
