package io.github.redisfilters.session;

/** Thrown into application code when the session cannot be read or written; the filter answers 503. */
class SessionUnavailableException extends IllegalStateException {
    SessionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
