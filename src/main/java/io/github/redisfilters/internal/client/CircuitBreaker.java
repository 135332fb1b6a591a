package io.github.redisfilters.internal.client;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops paying Redis timeouts on every request once Redis is known to be down.
 *
 * <p>CLOSED: calls go through; {@code failureThreshold} consecutive failures open it. OPEN: calls
 * are refused at once; after {@code retryInterval} one caller is let through as a probe
 * (HALF_OPEN). The probe's success closes the breaker, its failure re-opens it for another
 * interval. Only the probe's success closes it: a call let through before the breaker opened
 * that completes afterwards does not.
 *
 * <p>One event, one WARN when it starts and one INFO when it ends. An event is an outage (the
 * breaker opens) or a failover behind one address (the client renewed its connections because
 * the node answered {@code READONLY}, …); when one leads into the other — the breaker opens while
 * the name still points at the demoted node — it is still one event.
 */
public final class CircuitBreaker {
    /** Breaker state. */
    public enum State {
        /** Calls go through. */
        CLOSED,
        /** Calls are refused at once until the next probe. */
        OPEN,
        /** One probe call is on its way; its outcome closes or re-opens the breaker. */
        HALF_OPEN
    }

    /** Logged under the client's public package, as before the class moved: operators' log settings keep working. */
    private static final Logger LOG = LoggerFactory.getLogger("io.github.redisfilters.client.CircuitBreaker");

    private final String target;
    private final int failureThreshold;
    private final long retryNanos;
    private final LongSupplier nanoTime;
    private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong nextProbeAt = new AtomicLong();
    private final AtomicLong outageStartedAt = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong openings = new AtomicLong();
    /** A WARN was logged for the current event and its INFO was not yet. */
    private final AtomicBoolean reported = new AtomicBoolean();

    public CircuitBreaker(String target, int failureThreshold, long retryNanos, LongSupplier nanoTime) {
        this.target = target;
        this.failureThreshold = failureThreshold;
        this.retryNanos = retryNanos;
        this.nanoTime = nanoTime;
    }

    /** True if the caller may talk to Redis now (CLOSED, or it won the probe). */
    public boolean tryAcquire() {
        State s = state.get();
        if (s == State.CLOSED) {
            return true;
        }
        long now = nanoTime.getAsLong();
        long at = nextProbeAt.get();
        if (now - at >= 0 && nextProbeAt.compareAndSet(at, now + retryNanos)) {
            state.set(State.HALF_OPEN);
            return true;
        }
        rejected.incrementAndGet();
        return false;
    }

    public void onSuccess() {
        State s = state.get();
        if (s == State.CLOSED) {
            // the common case writes nothing: no shared cache line is dirtied on every Redis call
            if (consecutiveFailures.get() != 0) {
                consecutiveFailures.set(0);
            }
            return;
        }
        if (s == State.OPEN) {
            return; // a call admitted before the breaker opened, answered before the outage: stale news
        }
        consecutiveFailures.set(0);
        State previous = state.getAndSet(State.CLOSED);
        if (previous != State.CLOSED && reported.compareAndSet(true, false)) {
            long ms = (nanoTime.getAsLong() - outageStartedAt.get()) / 1_000_000L;
            LOG.info("Redis at {} is reachable again after {} ms; {} calls were short-circuited meanwhile",
                    target, ms, rejected.getAndSet(0));
        }
    }

    /**
     * The client dropped its pooled connections because the node answered as a non-primary:
     * logs {@code message} as the event's WARN, unless this event already has one.
     */
    public void onConnectionsRenewed(String message) {
        if (reported.compareAndSet(false, true)) {
            outageStartedAt.set(nanoTime.getAsLong());
            LOG.warn(message);
        } else {
            LOG.debug(message);
        }
    }

    /** Whether an event's WARN was logged and its INFO not yet (one volatile read). */
    public boolean eventReported() {
        return reported.get();
    }

    /**
     * A call succeeded after the client reconnected to a primary, with the breaker closed: the
     * failover event is over (an open breaker reports the end itself when its probe succeeds).
     */
    public void onPrimaryAgain() {
        if (state.get() == State.CLOSED && reported.compareAndSet(true, false)) {
            long ms = (nanoTime.getAsLong() - outageStartedAt.get()) / 1_000_000L;
            LOG.info("Redis at {} answers as a primary again after {} ms (new connections reached the promoted node)",
                    target, ms);
        }
    }

    public void onFailure(Throwable cause) {
        int failures = consecutiveFailures.incrementAndGet();
        State s = state.get();
        if (s == State.HALF_OPEN) {
            nextProbeAt.set(nanoTime.getAsLong() + retryNanos);
            state.set(State.OPEN);
            LOG.debug("Redis at {} still unavailable: {}", target, cause.toString());
        } else if (s == State.CLOSED && failures >= failureThreshold
                && state.compareAndSet(State.CLOSED, State.OPEN)) {
            long now = nanoTime.getAsLong();
            nextProbeAt.set(now + retryNanos);
            openings.incrementAndGet();
            if (!reported.compareAndSet(false, true)) {
                LOG.debug("Redis at {} is unavailable during a reported event: {}", target, describe(cause));
                return;
            }
            outageStartedAt.set(now);
            LOG.warn("Redis at {} is unavailable ({}); filters apply their failureMode and Redis is probed every {} ms"
                    + " until it answers", target, describe(cause), retryNanos / 1_000_000L);
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Current state. */
    public State state() {
        return state.get();
    }

    /** How many times the breaker has opened since start. */
    public long openings() {
        return openings.get();
    }

    /** Calls refused during the current outage. */
    public long rejectedInCurrentOutage() {
        return rejected.get();
    }
}
