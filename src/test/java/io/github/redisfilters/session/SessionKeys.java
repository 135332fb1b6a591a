package io.github.redisfilters.session;

/** The Redis key of a session, as tests outside this package need it (the layout is package-private). */
public final class SessionKeys {
    private SessionKeys() {
    }

    /** {@code <prefix>session:{<tag>}<rest>}, see {@link SessionRepository}. */
    public static String key(String prefix, String id) {
        int t = SessionRepository.TAG_LENGTH;
        return prefix + "session:{" + id.substring(0, t) + "}" + id.substring(t);
    }
}
