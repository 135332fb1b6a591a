package io.github.redisfilters.ratelimit;

/** What to do when a request carries no value for a rule's key (no API key, no principal, no session). */
public enum MissingKey {
    /** Count the request under its client address instead (default). */
    IP,
    /** Answer 401 with a problem document; the request does not reach the application. */
    REJECT
}
