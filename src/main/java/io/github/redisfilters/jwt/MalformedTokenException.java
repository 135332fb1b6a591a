package io.github.redisfilters.jwt;

/**
 * A token could not be read. The message is a fixed, client-safe description (it never contains
 * any part of the token) and becomes the {@code error_description} of the 401 challenge.
 */
final class MalformedTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedTokenException(String safeDescription) {
        super(safeDescription, null, false, false);
    }
}
