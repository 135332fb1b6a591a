package io.github.redisfilters.session;

/** A save would have left the session over {@code maxSessionSize}; nothing was written; the filter answers 413. */
final class SessionTooLargeException extends IllegalStateException {
    SessionTooLargeException(long size, long max) {
        super("the session would hold " + size + " bytes, over maxSessionSize (" + max + " bytes)");
    }
}
