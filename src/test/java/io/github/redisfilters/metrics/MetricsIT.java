package io.github.redisfilters.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.faults.AllFiltersApp;
import io.github.redisfilters.internal.metrics.MetricsRegistry;
import io.github.redisfilters.jwt.TokenBlacklist;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every filter's counters exist at 0 from the start and count real traffic, read the same through
 * JMX and through Micrometer (bound before the filters started); the client has an MBean and
 * gauges; all of it goes away on undeploy.
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class MetricsIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ServletContainer start() {
        return kind.start("/metrics-it", ctx -> {
            new RedisFiltersMeterBinder(ctx).bindTo(registry); // before any filter exists
            AllFiltersApp.setup(REDIS.process().url(), Map.of(), Map.of("rules", "api: /api/** 1000/1m fixed by ip"))
                    .configure(ctx);
        });
    }

    @Test
    void countersExistAtZeroAndCountRealTrafficInJmxAndMicrometer() throws Exception {
        try (ServletContainer app = start()) {
            Map<String, String> zero = Map.of("cache", "hits", "jwt", "revoked", "rateLimit", "allowed.api",
                    "session", "created");
            for (Map.Entry<String, String> e : zero.entrySet()) {
                String filter = e.getKey();
                String counter = e.getValue();
                assertThat(jmx(filter, counter)).as(filter + " " + counter + " in JMX before traffic").isEqualTo(0L);
                assertThat(meter(filter, counter)).as(filter + " " + counter + " in Micrometer before traffic").isEqualTo(0.0);
            }
            assertThat(jmx("cache", "errors")).isEqualTo(0L);
            assertThat(jmx("rateLimit", "limited.api")).isEqualTo(0L);

            // cache: a miss, then (once the entry is stored) a hit
            assertThat(Http.get(app.uri("/api/products/1")).headers().firstValue("X-Cache")).hasValue("MISS");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Http.get(app.uri("/api/products/1")).headers().firstValue("X-Cache").orElse("").equals("HIT"));
            // session
            assertThat(Http.post(app.uri("/api/cart"), "").statusCode()).isEqualTo(200);
            // JWT: checked, then revoked
            long now = Instant.now().getEpochSecond();
            String token = AllFiltersApp.token("metrics-jti-1", now, now + 600);
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            TokenBlacklist.from(app.servletContext()).revoke(token);
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);

            assertThat(jmx("cache", "misses")).isEqualTo(1L);
            assertThat(jmx("cache", "hits")).isEqualTo(1L);
            assertThat(jmx("session", "created")).isEqualTo(1L);
            assertThat(jmx("jwt", "checked")).isEqualTo(2L);
            assertThat(jmx("jwt", "revoked")).isEqualTo(1L);
            assertThat((Long) jmx("rateLimit", "allowed.api")).as("every /api request so far").isGreaterThanOrEqualTo(5L);
            for (String[] c : new String[][] {{"cache", "misses"}, {"cache", "hits"}, {"session", "created"},
                    {"jwt", "checked"}, {"jwt", "revoked"}, {"rateLimit", "allowed.api"}, {"rateLimit", "allowed"}}) {
                assertThat(meter(c[0], c[1])).as(c[0] + " " + c[1] + ": Micrometer equals JMX")
                        .isEqualTo(((Long) jmx(c[0], c[1])).doubleValue());
            }

            ObjectName client = clientName();
            assertThat(JMX.getAttribute(client, "breakerState")).isEqualTo("CLOSED");
            assertThat(JMX.getAttribute(client, "poolMax")).isEqualTo(64);
            assertThat((Integer) JMX.getAttribute(client, "poolIdle")).isPositive();
            assertThat((String) JMX.getAttribute(client, "target")).contains(":" + REDIS.process().port());
            Search pool = registry.find("redisfilters.client.pool.max");
            assertThat(pool.gauge()).isNotNull();
            assertThat(pool.gauge().value()).isEqualTo(64.0);
            assertThat(pool.gauge().getId().getTag("client")).contains(":" + REDIS.process().port());
            assertThat(registry.find("redisfilters.client.breaker.openings").functionCounter().count()).isZero();
            assertThat(JMX.getAttribute(client, "poolRenewals")).isEqualTo(0L);
            assertThat(registry.find("redisfilters.client.pool.renewals").functionCounter().count()).isZero();
            assertThat(JMX.getAttribute(client, "slotMapRenewals")).isEqualTo(0L);
            assertThat(registry.find("redisfilters.client.slotmap.renewals").functionCounter().count()).isZero();
        }
        assertThat(JMX.queryNames(new ObjectName(MetricsRegistry.JMX_DOMAIN + ":context=\"/metrics-it\",*"), null))
                .as("MBeans left after undeploy").isEmpty();
        assertThat(registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName)
                .filter(n -> n.startsWith("redisfilters."))).as("meters left after undeploy").isEmpty();
    }

    private static Object jmx(String filter, String counter) throws Exception {
        Set<ObjectName> names = JMX.queryNames(new ObjectName(MetricsRegistry.JMX_DOMAIN
                + ":type=Filter,context=\"/metrics-it\",name=" + ObjectName.quote(filter)), null);
        assertThat(names).as("MBean of filter " + filter).hasSize(1);
        return JMX.getAttribute(names.iterator().next(), counter);
    }

    private static ObjectName clientName() throws Exception {
        Set<ObjectName> names = JMX.queryNames(new ObjectName(MetricsRegistry.JMX_DOMAIN
                + ":type=RedisClient,context=\"/metrics-it\",*"), null);
        assertThat(names).as("one client MBean").hasSize(1);
        return names.iterator().next();
    }

    /** The Micrometer value of a counter, found by the binder's naming (per-rule counters tagged). */
    private double meter(String filter, String counter) {
        String kind = Map.of("cache", "cache", "jwt", "jwt", "rateLimit", "ratelimit", "session", "session").get(filter);
        int dot = counter.indexOf('.');
        Search s;
        if (kind.equals("ratelimit") && dot > 0) {
            s = registry.find("redisfilters.ratelimit.rule." + counter.substring(0, dot))
                    .tag("filter", filter).tag("rule", counter.substring(dot + 1));
        } else {
            s = registry.find("redisfilters." + kind + "." + RedisFiltersMeterBinder.meterName(counter)).tag("filter", filter);
        }
        assertThat(s.functionCounter()).as("meter for " + filter + " " + counter).isNotNull();
        return s.functionCounter().count();
    }
}
