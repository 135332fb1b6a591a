package io.github.redisfilters.session;

/**
 * Another request of the same session held its lock for longer than {@code lockWait} (or too many
 * requests of it already wait on this server); the filter answers 503 with {@code Retry-After}.
 */
final class SessionLockedException extends SessionUnavailableException {
    SessionLockedException() {
        super("the session is locked by another request", null);
    }
}
