package io.github.redisfilters.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.RedisSentinelGroup;
import io.github.redisfilters.testing.SampleProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * What README "Connecting to Redis" promises about the environment, with real environment
 * variables (each sample runs in a JVM of its own, see {@link WebXmlSamplesIT}) and real Redis
 * topologies: {@code REDIS_HOST}/{@code REDIS_PORT}/{@code REDIS_PASSWORD}, Sentinel and Cluster
 * from {@code REDIS_SENTINEL_*} and {@code REDIS_CLUSTER_NODES}, and rate-limit rules read from a
 * JSON or YAML {@code rulesFile} that limit real requests.
 */
class EnvironmentIT {
    private static final Path SAMPLES = WebXmlSamplesIT.SAMPLES;
    private static final String PASSWORD = "env-pass-4411";
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    @RegisterExtension
    static final RedisFixture SECURED = RedisFixture.withPassword(PASSWORD);

    @Test
    void hostPortAndPasswordFromTheEnvironment() {
        RedisProcess redis = SECURED.process();
        try (SampleProcess app = SampleProcess.start(SAMPLES.resolve("session.xml"), Map.of("REDIS_HOST", "127.0.0.1",
                     "REDIS_PORT", String.valueOf(redis.port()), "REDIS_PASSWORD", PASSWORD), List.of())) {
            assertThat(Http.post(app.uri("/api/cart"), "{}").statusCode()).isEqualTo(200);
            assertThat(Http.get(app.uri("/__clients")).body().trim())
                    .isEqualTo("redis://***@127.0.0.1:" + redis.port() + "/0 UP");
            try (Jedis admin = redis.admin()) {
                assertThat(admin.dbSize()).as("the session was stored").isPositive();
            }
            assertThat(app.log()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void sentinelSampleFollowsTheSentinelsNamedInTheEnvironment() {
        try (RedisSentinelGroup group = RedisSentinelGroup.start();
             SampleProcess app = SampleProcess.start(SAMPLES.resolve("sentinel.xml"), Map.of(
                     "REDIS_SENTINEL_MASTER", RedisSentinelGroup.MASTER_NAME,
                     "REDIS_SENTINEL_NODES", group.sentinelNodesParam()), List.of())) {
            assertThat(Http.get(app.uri("/api/products")).headers().firstValue("X-RateLimit-Limit")).hasValue("600");
            assertThat(Http.get(app.uri("/__clients")).body()).startsWith("sentinel mymaster@").contains(" UP");
            try (Jedis master = group.master().admin()) {
                assertThat(master.clientList()).contains("name=shop-sentinel");
                assertThat(master.dbSize()).as("limits and the session on the master").isPositive();
            }
        }
    }

    @Test
    void clusterSampleUsesTheSeedNodesNamedInTheEnvironment() {
        try (RedisClusterGroup cluster = RedisClusterGroup.start(false);
             SampleProcess app = SampleProcess.start(SAMPLES.resolve("cluster.xml"),
                     Map.of("REDIS_CLUSTER_NODES", cluster.seedsParam()), List.of())) {
            for (int i = 0; i < 5; i++) {
                assertThat(Http.post(app.uri("/api/cart"), "{}").statusCode()).isEqualTo(200);
            }
            assertThat(Http.get(app.uri("/__clients")).body()).startsWith("cluster [").contains(" UP");
            assertThat(cluster.totalKeys()).as("sessions stored in the cluster").isPositive();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate-limit-rules-file.xml", "rate-limit-rules-file-yaml.xml"})
    void rulesFromARulesFileLimitRealRequests(String sample) {
        RedisProcess redis = REDIS.process();
        try (SampleProcess app = SampleProcess.start(SAMPLES.resolve(sample), Map.of("REDIS_URL", redis.url()), List.of())) {
            // login: POST /api/auth/login 5 per 15 minutes (fixed window): the sixth is refused,
            // unless a window boundary fell between the requests (then the reset time moved): try again
            List<Integer> statuses = logins(app);
            if (!statuses.equals(List.of(200, 200, 200, 200, 200, 429))) {
                redis.flushAll();
                statuses = logins(app);
            }
            assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 429);
            HttpResponse<String> refused = Http.post(app.uri("/api/auth/login"), "{}");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body()).contains("login");
            assertThat(Http.get(app.uri("/api/products")).headers().firstValue("X-RateLimit-Limit"))
                    .as("the api rule's burst policy").hasValue("10");
        }
    }

    private static List<Integer> logins(SampleProcess app) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            out.add(Http.post(app.uri("/api/auth/login"), "{}").statusCode());
        }
        return out;
    }
}
