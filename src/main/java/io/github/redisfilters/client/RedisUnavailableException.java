package io.github.redisfilters.client;

/**
 * Redis could not serve a call: it is down, slow, failing over, the pool is exhausted, or the
 * circuit breaker is open. Filters catch it and apply their {@code failureMode}.
 */
public class RedisUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Redis could not be used, because of {@code cause}. */
    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Redis could not be used, for the reason given. */
    public RedisUnavailableException(String message) {
        super(message);
    }
}
