package io.github.redisfilters.session;

/**
 * Turns session attribute values into bytes stored in Redis and back. Implementations must be
 * thread-safe. Choose one with the {@code codec} init-param: {@code jdk} (Java serialization behind
 * an {@link java.io.ObjectInputFilter} allow-list, the default), {@code json} (Jackson, typed, with
 * the same allow-list) or the class name of an implementation with a public no-arg constructor.
 */
public interface SessionAttributeCodec {
    /**
     * Encodes a value.
     *
     * @throws IllegalArgumentException when the value cannot be stored by this codec (for example
     *                                  not {@link java.io.Serializable} for the JDK codec)
     */
    byte[] encode(Object value);

    /**
     * Decodes a stored value.
     *
     * @throws Exception when it cannot be read (class missing, changed or not allowed, corrupt
     *                   bytes); the filter then applies its {@code unreadableAttribute} policy
     */
    Object decode(byte[] bytes) throws Exception;

    /**
     * Called by {@code setAttribute} to reject values that could never be stored, so the error
     * surfaces where the application set the value. Default: accept everything.
     *
     * @throws IllegalArgumentException when the value cannot be stored
     */
    default void check(Object value) {
    }
}
