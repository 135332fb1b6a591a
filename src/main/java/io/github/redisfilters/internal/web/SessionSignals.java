package io.github.redisfilters.internal.web;

import jakarta.servlet.ServletRequest;
import java.util.function.BooleanSupplier;

/**
 * What the session filter tells the library's other filters about a request's session without
 * them asking for it: {@code getSession(false)} would load the session from Redis just to learn
 * that nothing was started.
 */
public final class SessionSignals {
    /**
     * Request attribute: a {@link BooleanSupplier} answering whether this request started a
     * session. Present exactly while a session filter of this library handles the request (the
     * filter also reads it to pass a request it already handles straight on).
     */
    public static final String STARTED_HERE = "io.github.redisfilters.session.startedHere";

    private SessionSignals() {
    }

    /**
     * Whether the request started a session, from the session filter's signal; null when no
     * session filter of this library handles the request (ask the container instead).
     */
    public static Boolean startedHere(ServletRequest request) {
        return request.getAttribute(STARTED_HERE) instanceof BooleanSupplier s ? s.getAsBoolean() : null;
    }
}
