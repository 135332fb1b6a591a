package io.github.redisfilters.jwt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Key layout of the blacklist. Every key of one subject shares the hash tag
 * {@code {s:<first 128 bits of SHA-256(sub) in hex>}}, so the token entry and the subject's
 * watermark live in one Cluster slot and are read with one {@code MGET}. Subjects are always
 * hashed: any string a token carries ends up as a bounded key without {@code {}} or {@code :}.
 *
 * <pre>
 * &lt;prefix&gt;jwt:{s:&lt;subHash&gt;}:jti:&lt;id&gt;   revoked token of a subject   (TTL: token exp − now + skew)
 * &lt;prefix&gt;jwt:{s:&lt;subHash&gt;}:before     subject watermark, epoch seconds (TTL: before + max lifetime + skew − now)
 * &lt;prefix&gt;jwt:jti:{&lt;id&gt;}                revoked token without a sub claim
 * </pre>
 *
 * <p>The id is the {@code jti} when it is 1–64 characters of {@code [A-Za-z0-9._~-]}, else
 * {@code h:} + SHA-256(jti) in hex; tokens without {@code jti} use {@code t:} + SHA-256(token).
 * The prefixes keep the three id forms from colliding.
 */
final class BlacklistKeys {
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    private final String prefix;

    BlacklistKeys(String keyPrefix) {
        this.prefix = keyPrefix + "jwt:";
    }

    /** The id under which a token is blacklisted. */
    static String tokenId(String jti, String token) {
        if (jti != null && !jti.isEmpty()) {
            return PLAIN_ID.matcher(jti).matches() ? jti : "h:" + sha256Hex(jti);
        }
        return "t:" + sha256Hex(token);
    }

    String tokenKey(String subject, String id) {
        if (subject == null) {
            return prefix + "jti:{" + id + "}";
        }
        return tokenKeyInTag(tag(subject), id);
    }

    String watermarkKey(String subject) {
        return watermarkKeyInTag(tag(subject));
    }

    /** Both keys of a subject, hashing the subject once: token entry, then watermark. */
    java.util.List<String> subjectKeys(String subject, String id) {
        String tag = tag(subject);
        return java.util.List.of(tokenKeyInTag(tag, id), watermarkKeyInTag(tag));
    }

    private String tokenKeyInTag(String tag, String id) {
        return prefix + tag + ":jti:" + id;
    }

    private String watermarkKeyInTag(String tag) {
        return prefix + tag + ":before";
    }

    private static String tag(String subject) {
        return "{s:" + sha256Hex(subject).substring(0, 32) + "}";
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
