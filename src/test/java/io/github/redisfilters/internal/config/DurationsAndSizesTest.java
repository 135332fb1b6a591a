package io.github.redisfilters.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsAndSizesTest {
    @Test
    void shortDurationForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("PT15M")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("pt1h30m")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void badDurationsAreRejected() {
        for (String bad : new String[] {"", "15", "m", "-5s", "1.5s", "15 min", "PTx", "9999999999999s"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void durationsFormatInTheirShortestExactForm() {
        assertThat(Durations.format(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
    }

    @Test
    void checkNamesTheSettingTheRangeAndTheValue() {
        assertThat(Durations.check("x", Duration.ofHours(1), Duration.ZERO, Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.check("lockTimeout", Duration.ofDays(3), Duration.ofMillis(100), Duration.ofHours(1)))
                .hasMessage("lockTimeout must be from 100ms to 1h but was 3d");
        // beyond what fits in milliseconds: still a message, not an ArithmeticException
        assertThatThrownBy(() -> Durations.check("x", Durations.parse("PT999999999999999H"), Duration.ZERO, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT999999999999999H");
        assertThatThrownBy(() -> Durations.check("x", null, Duration.ZERO, Duration.ofHours(1))).hasMessageContaining("null");
        assertThatThrownBy(() -> Durations.check("x", Duration.ofSeconds(Long.MIN_VALUE), Duration.ZERO, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizes() {
        assertThat(Sizes.parse("512")).isEqualTo(512);
        assertThat(Sizes.parse("512B")).isEqualTo(512);
        assertThat(Sizes.parse("64KB")).isEqualTo(65536);
        assertThat(Sizes.parse("1mb")).isEqualTo(1 << 20);
        assertThat(Sizes.parse("2G")).isEqualTo(2L << 30);
        assertThatThrownBy(() -> Sizes.parse("1.5MB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sizes.parse("999999999999GB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overflows");
    }
}
