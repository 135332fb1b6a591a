package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.config.InitParams;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {
    private static RedisSettings resolve(Map<String, String> init, Map<String, String> context, Map<String, String> env)
            throws ConfigException {
        return RedisSettings.resolve(InitParams.of("filter 'f'", init, RedisSettings.PARAMETER_NAMES),
                context::get, env::get);
    }

    @Test
    void defaultIsLocalhost() throws Exception {
        RedisSettings s = resolve(Map.of(), Map.of(), Map.of());
        assertThat(s.mode()).isEqualTo(RedisSettings.Mode.STANDALONE);
        assertThat(s.host()).isEqualTo("localhost");
        assertThat(s.port()).isEqualTo(6379);
        assertThat(s.poolSize()).isEqualTo(64);
        assertThat(s.keyPrefix()).isEqualTo("rsf:");
    }

    @Test
    void timeoutsHaveAnUpperBound() {
        // Jedis takes int milliseconds; beyond 1h is a typo, caught at init rather than cast or overflowed
        for (String p : new String[] {"redisPoolMaxWait", "redisConnectTimeout", "redisSocketTimeout", "redisRetryInterval"}) {
            assertThatThrownBy(() -> resolve(Map.of(p, "30d"), Map.of(), Map.of())).as(p)
                    .isInstanceOf(ConfigException.class).hasMessageContaining(p).hasMessageContaining("to 1h");
        }
        assertThatThrownBy(() -> RedisSettings.builder().socketTimeout(java.time.Duration.ofDays(30)))
                .hasMessage("redisSocketTimeout must be from 1ms to 1h but was 30d");
    }

    @Test
    void precedenceIsInitParamThenContextParamThenEnvironment() throws Exception {
        Map<String, String> env = Map.of("REDIS_URL", "redis://env-host:1111");
        assertThat(resolve(Map.of(), Map.of(), env).host()).isEqualTo("env-host");
        assertThat(resolve(Map.of(), Map.of("redisUrl", "redis://ctx-host:2222"), env).host()).isEqualTo("ctx-host");
        RedisSettings s = resolve(Map.of("redisUrl", "redis://filter-host:3333"),
                Map.of("redisUrl", "redis://ctx-host:2222", "keyPrefix", "ctx:"), env);
        assertThat(s.host()).isEqualTo("filter-host");
        assertThat(s.port()).isEqualTo(3333);
        assertThat(s.keyPrefix()).as("each parameter resolves on its own").isEqualTo("ctx:");
    }

    @Test
    void hostPortPasswordEnvironmentIsUsedWithoutRedisUrl() throws Exception {
        RedisSettings s = resolve(Map.of(), Map.of(), Map.of("REDIS_HOST", "h", "REDIS_PORT", "7000", "REDIS_PASSWORD", "pw"));
        assertThat(s.host()).isEqualTo("h");
        assertThat(s.port()).isEqualTo(7000);
        assertThat(s.password()).isEqualTo("pw");
        assertThatThrownBy(() -> resolve(Map.of(), Map.of(), Map.of("REDIS_HOST", "h", "REDIS_PORT", "x")))
                .hasMessageContaining("REDIS_PORT").hasMessageContaining("'x'");
    }

    @Test
    void everyRedisParameterHasAnEnvironmentVariable() throws Exception {
        assertThat(RedisSettings.environmentName("redisUrl")).isEqualTo("REDIS_URL");
        assertThat(RedisSettings.environmentName("redisSentinelNodes")).isEqualTo("REDIS_SENTINEL_NODES");
        assertThat(RedisSettings.environmentName("redisTls")).isEqualTo("REDIS_TLS");
        RedisSettings s = resolve(Map.of(), Map.of("redisPoolSize", "7"), Map.of("REDIS_SENTINEL_MASTER", "mymaster",
                "REDIS_SENTINEL_NODES", "s1:26379,s2:26379", "REDIS_POOL_SIZE", "99", "REDIS_PASSWORD", "env-pw",
                "REDIS_DATABASE", "2"));
        assertThat(s.mode()).isEqualTo(RedisSettings.Mode.SENTINEL);
        assertThat(s.sentinelNodes()).hasSize(2);
        assertThat(s.poolSize()).as("a context-param beats the environment").isEqualTo(7);
        assertThat(s.password()).isEqualTo("env-pw");
        assertThat(s.database()).isEqualTo(2);
        assertThat(resolve(Map.of(), Map.of(), Map.of("REDIS_URL", "redis://:url-pw@h:1", "REDIS_PASSWORD", "env-pw"))
                .password()).as("REDIS_PASSWORD is redisPassword: it overrides the URL's").isEqualTo("env-pw");
        assertThat(resolve(Map.of(), Map.of(), Map.of("KEY_PREFIX", "x:", "REDIS_KEY_PREFIX", "y:")).keyPrefix())
                .as("keyPrefix belongs to the application, not to the environment").isEqualTo("rsf:");
        assertThatThrownBy(() -> resolve(Map.of(), Map.of(), Map.of("REDIS_POOL_SIZE", "lots")))
                .hasMessageContaining("'redisPoolSize' has invalid value 'lots'")
                .hasMessageContaining("set by the environment variable REDIS_POOL_SIZE");
    }

    @Test
    void misspeltRedisContextParamsFailOthersAreLeftAlone() throws Exception {
        jakarta.servlet.ServletContext ctx = org.mockito.Mockito.mock(jakarta.servlet.ServletContext.class);
        org.mockito.Mockito.when(ctx.getInitParameterNames()).thenAnswer(i -> java.util.Collections.enumeration(
                java.util.List.of("redisPoolSzie", "contextConfigLocation")));
        assertThatThrownBy(() -> RedisSettings.checkContextParams(ctx)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("context-param 'redisPoolSzie' is not a redis-servlet-filters parameter"
                        + " (did you mean 'redisPoolSize'?)");
        for (String typo : new String[] {"redisURL", "RedisUrl", "redisSocketTimout", "redisClusterNode"}) {
            org.mockito.Mockito.when(ctx.getInitParameterNames()).thenAnswer(i -> java.util.Collections.enumeration(
                    java.util.List.of(typo)));
            assertThatThrownBy(() -> RedisSettings.checkContextParams(ctx)).as(typo).isInstanceOf(ConfigException.class);
        }
        org.mockito.Mockito.when(ctx.getInitParameterNames()).thenAnswer(i -> java.util.Collections.enumeration(
                java.util.List.of("redisHostForReports", "redisUrl", "keyPrefix", "spring.profiles")));
        RedisSettings.checkContextParams(ctx); // someone else's redis* name: a warning, not a failure
    }

    @Test
    void urlCarriesAclUserPasswordDatabaseAndTls() {
        RedisSettings s = RedisSettings.builder().url("rediss://app%40corp:p%3Ass@redis.example:6380/3").build();
        assertThat(s.tls()).isTrue();
        assertThat(s.user()).isEqualTo("app@corp");
        assertThat(s.password()).isEqualTo("p:ss");
        assertThat(s.database()).isEqualTo(3);
        assertThat(s.port()).isEqualTo(6380);
        RedisSettings legacy = RedisSettings.builder().url("redis://onlypassword@h").build();
        assertThat(legacy.user()).isNull();
        assertThat(legacy.password()).isEqualTo("onlypassword");
    }

    @Test
    void explicitUserAndPasswordOverrideTheUrl() throws Exception {
        RedisSettings s = resolve(Map.of("redisUrl", "redis://u:p@h:1", "redisUser", "other", "redisPassword", "pw2"),
                Map.of(), Map.of());
        assertThat(s.user()).isEqualTo("other");
        assertThat(s.password()).isEqualTo("pw2");
    }

    @Test
    void secretsNeverAppearInToStringOrDescriptions() throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("redisUrl", "rediss://admin:TopSecret1@h:6380");
        p.put("redisTrustStore", "/etc/trust.p12");
        p.put("redisTrustStorePassword", "TrustSecret2");
        p.put("redisSentinelMaster", "m");
        p.put("redisSentinelNodes", "s1:26379");
        p.put("redisSentinelPassword", "SentinelSecret3");
        RedisSettings s = resolve(p, Map.of(), Map.of());
        assertThat(s.toString() + s.describeTarget())
                .doesNotContain("TopSecret1").doesNotContain("TrustSecret2").doesNotContain("SentinelSecret3")
                .contains("admin:***@");
        assertThat(RedisSettings.maskUrl("redis://u:TopSecret1@h:1/0")).isEqualTo("redis://***@h:1/0");
    }

    @Test
    void sentinelAndClusterModes() throws Exception {
        RedisSettings sentinel = resolve(Map.of("redisSentinelMaster", "mymaster",
                "redisSentinelNodes", "127.0.0.1:26379, [::1]:26380"), Map.of(), Map.of());
        assertThat(sentinel.mode()).isEqualTo(RedisSettings.Mode.SENTINEL);
        assertThat(sentinel.sentinelNodes()).hasSize(2);
        assertThat(sentinel.sentinelNodes().get(1).getHost()).isEqualTo("::1");
        RedisSettings cluster = resolve(Map.of("redisClusterNodes", "a:7000,b:7001"), Map.of(), Map.of());
        assertThat(cluster.mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
    }

    @Test
    void configErrorsNameWhatToFix() {
        assertThatThrownBy(() -> resolve(Map.of("redisUrl", "http://h"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("filter 'f'").hasMessageContaining("redisUrl").hasMessageContaining("redis://");
        assertThatThrownBy(() -> resolve(Map.of("redisUrl", "redis://u:TopSecret1@h:1/x"), Map.of(), Map.of()))
                .hasMessageContaining("database number").hasMessageNotContaining("TopSecret1");
        assertThatThrownBy(() -> resolve(Map.of("redisSentinelMaster", "m"), Map.of(), Map.of()))
                .hasMessageContaining("filter 'f'").hasMessageContaining("redisSentinelNodes");
        assertThatThrownBy(() -> resolve(Map.of("redisClusterNodes", "a:70000"), Map.of(), Map.of()))
                .hasMessageContaining("'redisClusterNodes' has invalid value 'a:70000'").hasMessageContaining("port");
        assertThatThrownBy(() -> resolve(Map.of("redisPoolSize", "0"), Map.of(), Map.of()))
                .hasMessageContaining("'redisPoolSize' has invalid value '0': redisPoolSize must be from 1 to 10000 but was 0");
        assertThatThrownBy(() -> resolve(Map.of("redisSocketTimeout", "soon"), Map.of(), Map.of()))
                .hasMessageContaining("'redisSocketTimeout' has invalid value 'soon'");
        assertThatThrownBy(() -> resolve(Map.of(), Map.of("redisDatabase", "-1"), Map.of()))
                .hasMessageContaining("'redisDatabase' has invalid value '-1'");
        assertThatThrownBy(() -> resolve(Map.of("keyPrefix", "has space"), Map.of(), Map.of()))
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> InitParams.of("filter 'f'", Map.of("redisURL", "x"), Set.copyOf(RedisSettings.PARAMETER_NAMES)))
                .hasMessageContaining("did you mean 'redisUrl'");
    }

    @Test
    void builderDefaultsAreShort() {
        RedisSettings s = RedisSettings.builder().build();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.socketTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.poolMaxWait()).isEqualTo(Duration.ofMillis(200));
    }
}
