package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * Deploying and undeploying the four filters again and again leaves no Redis connection, no
 * thread and no MBean behind.
 */
class RedeployLeakIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    private static long connections(RedisProcess redis, String name) {
        try (Jedis j = redis.admin()) {
            return Arrays.stream(j.clientList().split("\n")).filter(l -> l.contains(" name=" + name + " ")).count();
        }
    }

    private static long libraryThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().contains("commons-pool") || t.getName().toLowerCase().contains("jedis")
                        || t.getName().toLowerCase().contains("redis"))
                .count();
    }

    @ParameterizedTest
    @EnumSource(ContainerKind.class)
    void threeRedeploysLeaveNothingBehind(ContainerKind kind) throws Exception {
        String name = "redeploy-" + kind.name().toLowerCase();
        ObjectName mbeans = new ObjectName("io.github.redisfilters:type=Filter,context=\"/leak\",*");
        RedisProcess redis = REDIS.process();
        long threadsBefore = libraryThreads();
        for (int round = 0; round < 3; round++) {
            try (ServletContainer app = kind.start("/leak", AllFiltersApp.setup(redis.url(), Map.of("redisClientName", name)))) {
                long now = Instant.now().getEpochSecond();
                assertThat(Http.post(app.uri("/api/cart"), "").statusCode()).isEqualTo(200);
                assertThat(Http.get(app.uri("/api/products/1")).statusCode()).isEqualTo(200);
                assertThat(Http.get(app.uri("/api/me"), "Authorization",
                        "Bearer " + AllFiltersApp.token("leak-" + round, now, now + 60)).statusCode()).isEqualTo(200);
                assertThat(connections(redis, name)).isPositive();
                assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(mbeans, null)).hasSize(4);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> connections(redis, name) == 0);
            assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(mbeans, null)).isEmpty();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> libraryThreads() <= threadsBefore);
    }
}
