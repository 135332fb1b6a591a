package io.github.redisfilters.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.redisfilters.client.ProbeFilter;
import io.github.redisfilters.internal.metrics.MetricsRegistry;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(ContainerKind.class)
class ObservabilityIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    private ServletContainer app(String url) {
        return kind.start("/obs", ctx -> {
            ctx.setInitParameter("redisUrl", url);
            ctx.setInitParameter("redisRetryInterval", "1h");
            ctx.setInitParameter("redisFailureThreshold", "1");
            ctx.addFilter("probe", new ProbeFilter()).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/ok");
            ctx.addServlet("ok", new jakarta.servlet.http.HttpServlet() {
                @Override
                protected void doGet(jakarta.servlet.http.HttpServletRequest q, jakarta.servlet.http.HttpServletResponse r) {
                    r.setStatus(204);
                }
            }).addMapping("/ok");
            ctx.addServlet("status", RedisFiltersStatusServlet.class).addMapping("/status");
        });
    }

    @Test
    void statusServletReportsHealthBreakerPoolAndCountersWithoutSecrets() throws Exception {
        String secretUrl = "redis://default:not-the-real-password@127.0.0.1:" + REDIS.process().port();
        try (ServletContainer app = app(REDIS.process().url())) {
            Http.get(app.uri("/ok"));
            Http.get(app.uri("/ok"));
            HttpResponse<String> r = Http.get(app.uri("/status"));
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(r.body());
            assertThat(json.at("/redis/0/status").asText()).isEqualTo("UP");
            assertThat(json.at("/redis/0/breaker").asText()).isEqualTo("CLOSED");
            assertThat(json.at("/redis/0/pool").size()).isEqualTo(1);
            assertThat(json.at("/filters/0/name").asText()).isEqualTo("probe");
            assertThat(json.at("/filters/0/counters/probes").asLong()).isEqualTo(2);
        }
        try (ServletContainer app = app(secretUrl)) {
            HttpResponse<String> r = Http.get(app.uri("/status"));
            assertThat(r.body()).doesNotContain("not-the-real-password");
        }
    }

    @Test
    void statusIs503WhenRedisIsDown() {
        try (ServletContainer app = app("redis://127.0.0.1:" + RedisProcess.freePort())) {
            Http.get(app.uri("/ok"));
            HttpResponse<String> r = Http.get(app.uri("/status"));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("\"status\":\"DOWN\"").contains("\"breaker\":\"OPEN\"")
                    .contains("\"errors\":1");
        }
    }

    @Test
    void countersAreJmxAttributesAndMBeansAreRemovedOnUndeploy() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName pattern = new ObjectName(MetricsRegistry.JMX_DOMAIN + ":type=Filter,context=\"/obs\",*");
        try (ServletContainer app = app(REDIS.process().url())) {
            Http.get(app.uri("/ok"));
            Set<ObjectName> names = server.queryNames(pattern, null);
            assertThat(names).hasSize(1);
            ObjectName name = names.iterator().next();
            assertThat(server.getAttribute(name, "probes")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "kind")).isEqualTo("probe");
        }
        assertThat(server.queryNames(pattern, null)).isEmpty();
    }
}
