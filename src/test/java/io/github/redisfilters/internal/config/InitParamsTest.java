package io.github.redisfilters.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.config.ConfigException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InitParamsTest {
    private static final Set<String> KNOWN = Set.of("limit", "window", "maxEntrySize", "mode", "enabled",
            "trustedProxies", "paths", "failureMode");

    private static InitParams params(String... kv) throws ConfigException {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return InitParams.of("filter 'rateLimit'", m, KNOWN);
    }

    enum FailureMode { OPEN, CLOSED }

    @Test
    void unknownParameterIsRejectedWithASuggestion() {
        assertThatThrownBy(() -> params("limt", "5"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("filter 'rateLimit'")
                .hasMessageContaining("unknown parameter 'limt'")
                .hasMessageContaining("did you mean 'limit'?");
    }

    @Test
    void typedValuesAreParsed() throws Exception {
        InitParams p = params("limit", " 42 ", "window", "15m", "maxEntrySize", "64KB", "enabled", "TRUE",
                "failureMode", "closed", "trustedProxies", "127.0.0.1, 10.0.0.0/8 ::1", "paths", "/api/*,*.json");
        assertThat(p.integer("limit", 1, 1, 100)).isEqualTo(42);
        assertThat(p.duration("window", Duration.ofSeconds(1), Duration.ofMillis(1))).isEqualTo(Duration.ofMinutes(15));
        assertThat(p.size("maxEntrySize", 1, 1, Long.MAX_VALUE)).isEqualTo(64 * 1024);
        assertThat(p.bool("enabled", false)).isTrue();
        assertThat(p.enumValue("failureMode", FailureMode.class, FailureMode.OPEN)).isEqualTo(FailureMode.CLOSED);
        assertThat(p.cidrs("trustedProxies", List.of())).hasSize(3);
        assertThat(p.paths("paths", List.of())).extracting(Object::toString).containsExactly("/api/*", "*.json");
    }

    @Test
    void absentAndBlankValuesGiveTheDefault() throws Exception {
        InitParams p = params("limit", "   ");
        assertThat(p.integer("limit", 7, 1, 100)).isEqualTo(7);
        assertThat(p.raw("limit")).isEmpty();
    }

    @Test
    void everyErrorNamesFilterParameterValueAndExpectedForm() {
        assertThatThrownBy(() -> params("limit", "lots").integer("limit", 1, 1, 100))
                .hasMessage("filter 'rateLimit': parameter 'limit' has invalid value 'lots': expected an integer from 1 to 100");
        assertThatThrownBy(() -> params("limit", "0").integer("limit", 1, 1, 100))
                .hasMessageContaining("'limit' has invalid value '0'");
        assertThatThrownBy(() -> params("window", "15 minutes").duration("window", Duration.ZERO, Duration.ofMillis(1)))
                .hasMessageContaining("parameter 'window' has invalid value '15 minutes': expected a duration such as 500ms");
        assertThatThrownBy(() -> params("maxEntrySize", "1 TB").size("maxEntrySize", 1, 1, 1L << 30))
                .hasMessageContaining("'maxEntrySize' has invalid value '1 TB': expected a size");
        assertThatThrownBy(() -> params("enabled", "yes").bool("enabled", false))
                .hasMessageContaining("'enabled' has invalid value 'yes': expected true or false");
        assertThatThrownBy(() -> params("failureMode", "sometimes").enumValue("failureMode", FailureMode.class, FailureMode.OPEN))
                .hasMessageContaining("'failureMode' has invalid value 'sometimes': expected one of open, closed");
        assertThatThrownBy(() -> params("trustedProxies", "10.0.0.0/33").cidrs("trustedProxies", List.of()))
                .hasMessageContaining("'trustedProxies' has invalid value '10.0.0.0/33': expected an IP address or CIDR range");
        assertThatThrownBy(() -> params("paths", "api/*").paths("paths", List.of()))
                .hasMessageContaining("'paths' has invalid value 'api/*': expected a path pattern");
    }

    @Test
    void builderErrorsAreWrappedWithTheComponentName() throws Exception {
        InitParams p = params();
        assertThatThrownBy(() -> p.validate(() -> {
            throw new IllegalArgumentException("limit must be positive but was -1");
        })).isInstanceOf(ConfigException.class).hasMessage("filter 'rateLimit': limit must be positive but was -1");
    }

    @Test
    void applyHandsParsedValuesToTheSetterWhichOwnsTheLimits() throws Exception {
        Duration[] window = {Duration.ofSeconds(1)};
        java.util.function.Consumer<Duration> setter = d -> window[0] = Durations.check("window", d,
                Duration.ofSeconds(1), Duration.ofHours(1));
        params("window", "15m").apply("window", InitParams.DURATION, setter);
        assertThat(window[0]).isEqualTo(Duration.ofMinutes(15));
        params().apply("window", InitParams.DURATION, setter);
        assertThat(window[0]).as("absent: the builder keeps its value").isEqualTo(Duration.ofMinutes(15));
        assertThatThrownBy(() -> params("window", "2h").apply("window", InitParams.DURATION, setter))
                .isInstanceOf(ConfigException.class)
                .hasMessage("filter 'rateLimit': parameter 'window' has invalid value '2h': "
                        + "window must be from 1s to 1h but was 2h");
        assertThatThrownBy(() -> params("window", "soon").apply("window", InitParams.DURATION, setter))
                .isInstanceOf(ConfigException.class)
                .hasMessage("filter 'rateLimit': parameter 'window' has invalid value 'soon': expected " + Durations.FORM);
        assertThatThrownBy(() -> params("limit", "\u0661").apply("limit", InitParams.INTEGER, v -> { }))
                .as("non-ASCII digits are not an integer").isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> params("limit", "+5").apply("limit", InitParams.INTEGER, v -> { }))
                .isInstanceOf(ConfigException.class);
        int[] limit = {0};
        params("limit", "-5").apply("limit", InitParams.INTEGER, v -> limit[0] = v);
        assertThat(limit[0]).isEqualTo(-5);
        FailureMode[] mode = {null};
        params("failureMode", "Closed").apply("failureMode", InitParams.enumForm(FailureMode.class), m -> mode[0] = m);
        assertThat(mode[0]).isEqualTo(FailureMode.CLOSED);
    }
}
