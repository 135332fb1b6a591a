package io.github.redisfilters.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CircuitBreaker breaker = new CircuitBreaker("test", 3, 1_000_000_000L, now::get);

    @Test
    void opensAfterThresholdConsecutiveFailures() {
        breaker.onFailure(new IOException("1"));
        breaker.onFailure(new IOException("2"));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.onSuccess();
        breaker.onFailure(new IOException("1"));
        breaker.onFailure(new IOException("2"));
        assertThat(breaker.state()).as("a success resets the count").isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.onFailure(new IOException("3"));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.rejectedInCurrentOutage()).isEqualTo(1);
    }

    @Test
    void oneProbePerRetryIntervalAndClosesOnSuccess() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure(new IOException());
        }
        now.addAndGet(1_000_000_000L);
        assertThat(breaker.tryAcquire()).as("first caller after the interval probes").isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("others keep short-circuiting during the probe").isFalse();
        breaker.onFailure(new IOException("still down"));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        now.addAndGet(1_000_000_000L);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.openings()).isEqualTo(1);
    }

    @Test
    void aStaleSuccessDoesNotCloseAnOpenBreaker() {
        // a call admitted while closed, answered just before Redis died, reports after the breaker opened
        for (int i = 0; i < 3; i++) {
            breaker.onFailure(new IOException());
        }
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        for (int i = 0; i < 3; i++) {
            breaker.onFailure(new IOException("more stragglers"));
        }
        assertThat(breaker.openings()).as("still the same outage").isEqualTo(1);
        now.addAndGet(1_000_000_000L);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
