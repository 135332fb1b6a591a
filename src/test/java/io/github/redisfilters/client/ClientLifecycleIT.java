package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/** One client per web application, shared by its filters, closed once on undeploy; deploys with Redis down. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ClientLifecycleIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    @BeforeEach
    void clean() {
        ProbeFilter.SEEN.clear();
    }

    private static void twoProbes(ServletContext ctx, String url, String clientName) {
        ctx.setInitParameter("redisUrl", url);
        ctx.setInitParameter("redisClientName", clientName);
        ctx.setInitParameter("redisRetryInterval", "100ms");
        ctx.addFilter("first", new ProbeFilter()).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        ctx.addFilter("second", new ProbeFilter()).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        ctx.addServlet("ok", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                resp.setStatus(200);
            }
        }).addMapping("/ok");
    }

    private static long connectionsNamed(String name) {
        try (Jedis j = REDIS.process().admin()) {
            return Arrays.stream(j.clientList().split("\n")).filter(l -> l.contains(" name=" + name + " ")).count();
        }
    }

    @Test
    void twoFiltersShareOneClientWhichIsClosedOnceOnUndeploy() {
        String name = "lifecycle-" + kind.name().toLowerCase();
        ServletContainer app = kind.start(ctx -> twoProbes(ctx, REDIS.process().url(), name));
        SharedRedisClient shared;
        try {
            HttpResponse<String> r = Http.get(app.uri("/ok"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().allValues("X-Probe")).containsExactly("1", "2");
            assertThat(ProbeFilter.SEEN).hasSize(2);
            assertThat(ProbeFilter.SEEN.get(0)).isSameAs(ProbeFilter.SEEN.get(1));
            assertThat(SharedRedisClient.all(app.servletContext())).hasSize(1);
            shared = ProbeFilter.SEEN.get(0);
            assertThat(connectionsNamed(name)).isPositive();
        } finally {
            app.close();
        }
        assertThat(shared.isClosed()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> connectionsNamed(name) == 0);
    }

    @Test
    void applicationDeploysAndServesWhileRedisIsDownThenRecovers() {
        int port = RedisProcess.freePort();
        ServletContainer app = kind.start(ctx -> twoProbes(ctx, "redis://127.0.0.1:" + port, "late"));
        try {
            HttpResponse<String> r = Http.get(app.uri("/ok"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().allValues("X-Probe")).containsExactly("down", "down");
            try (RedisProcess late = RedisProcess.prepare(port, java.util.List.of(), false).launch()) {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !Http.get(app.uri("/ok")).headers().allValues("X-Probe").contains("down"));
            }
        } finally {
            app.close();
        }
    }

    @Test
    void listenerOwnsTheClientUntilTheContextStops() {
        String name = "listener-" + kind.name().toLowerCase();
        ServletContainer app = kind.start(ctx -> {
            twoProbes(ctx, REDIS.process().url(), name);
            ctx.addListener(RedisFiltersListener.class);
        });
        SharedRedisClient shared;
        try {
            assertThat(Http.get(app.uri("/ok")).headers().allValues("X-Probe")).containsExactly("1", "2");
            shared = ProbeFilter.SEEN.get(0);
            assertThat(SharedRedisClient.all(app.servletContext())).containsExactly(shared);
        } finally {
            app.close();
        }
        assertThat(shared.isClosed()).isTrue();
    }
}
