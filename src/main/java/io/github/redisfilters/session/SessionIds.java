package io.github.redisfilters.session;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** 256-bit {@link SecureRandom} session ids, URL-safe Base64 without padding (43 characters). */
final class SessionIds {
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random = new SecureRandom();

    String next() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return ENCODER.encodeToString(b);
    }

    /** True for values this generator could have produced; anything else never reaches Redis. */
    static boolean wellFormed(String id) {
        return id != null && id.length() == 43 && FORM.matcher(id).matches();
    }

    /** A loggable abbreviation (never log a full session id). */
    static String abbreviate(String id) {
        return id == null ? "null" : id.length() <= 6 ? "…" : id.substring(0, 6) + "…";
    }
}
