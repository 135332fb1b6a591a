package io.github.redisfilters.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class DemoTokensTest {
    @Test
    void twoRandomKeysDoNotAcceptEachOthersTokens() {
        DemoTokens a = DemoTokens.withRandomKey(Clock.systemUTC());
        DemoTokens b = DemoTokens.withRandomKey(Clock.systemUTC());
        String token = a.issue("alice");
        assertThat(a.check(token).getSubject()).isEqualTo("alice");
        assertThat(b.check(token)).as("a restart (or another server without DEMO_JWT_SECRET) does not accept it").isNull();
    }

    @Test
    void aConfiguredSecretIsSharedAndMustBeLongEnoughForHs256() {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        String token = new DemoTokens(secret, Clock.systemUTC()).issue("bob");
        assertThat(new DemoTokens(secret.clone(), Clock.systemUTC()).check(token)).as("another server, same secret").isNotNull();
        assertThatThrownBy(() -> new DemoTokens("short".getBytes(StandardCharsets.UTF_8), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DEMO_JWT_SECRET must be at least 32 bytes (256 bits) for HS256 but has 5");
    }
}
