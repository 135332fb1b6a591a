package io.github.redisfilters.session;

import java.security.SecureRandom;
import java.util.Base64;

/** 256-bit {@link SecureRandom} session ids, URL-safe Base64 without padding (43 characters). */
final class SessionIds {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random = new SecureRandom();

    String next() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return ENCODER.encodeToString(b);
    }

    /**
     * A fresh id for a session whose id changes ({@code changeSessionId}): the first
     * {@value SessionRepository#TAG_LENGTH} characters of {@code previous} (its Redis hash tag, so
     * the re-keyed session stays in its Cluster slot) followed by fresh random characters (210
     * bits: what an attacker who knew the old id still has to guess).
     */
    String nextKeepingTag(String previous) {
        String fresh = next();
        if (!wellFormed(previous)) {
            return fresh;
        }
        return previous.substring(0, SessionRepository.TAG_LENGTH) + fresh.substring(SessionRepository.TAG_LENGTH);
    }

    /** True for values this generator could have produced; anything else never reaches Redis. */
    static boolean wellFormed(String id) {
        if (id == null || id.length() != 43) {
            return false;
        }
        // a plain loop: this runs on every request with a cookie, and a regex cost ~0.8 µs (bench/)
        for (int i = 0; i < 43; i++) {
            char c = id.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** A loggable abbreviation (never log a full session id). */
    static String abbreviate(String id) {
        return id == null ? "null" : id.length() <= 6 ? "…" : id.substring(0, 6) + "…";
    }
}
