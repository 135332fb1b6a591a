package io.github.redisfilters.jwt;

import java.util.List;

/**
 * The Redis side of one blacklist check, split in two so that the read can later travel in one
 * pipeline with other filters' reads: {@link #plan} says which keys to {@code MGET} (derived from
 * the token alone); {@link #decide} turns the replies into a verdict.
 *
 * @param keys       keys to read with one {@code MGET}: the token entry, then (for tokens with a
 *                   subject) the subject's watermark; all in one hash-tag slot
 * @param issuedAt   the token's {@code iat}, or null
 */
record BlacklistCheck(List<String> keys, Long issuedAt) {
    /** What the replies say. */
    enum Verdict { NOT_REVOKED, TOKEN_REVOKED, SUBJECT_REVOKED }

    static BlacklistCheck plan(BlacklistKeys keys, JwtClaims claims, String token) {
        String id = BlacklistKeys.tokenId(claims.jti(), token);
        if (claims.subject() == null) {
            return new BlacklistCheck(List.of(keys.tokenKey(null, id)), claims.issuedAt());
        }
        return new BlacklistCheck(keys.subjectKeys(claims.subject(), id), claims.issuedAt());
    }

    /**
     * Decides from the {@code MGET} replies (same order as {@link #keys}). A subject watermark
     * revokes tokens with {@code iat <= watermark} (whole seconds: a token issued in the same
     * second as "log out everywhere" counts as revoked), and tokens without {@code iat}, whose
     * issue time cannot be shown to be later.
     */
    Verdict decide(List<String> replies) {
        if (replies.get(0) != null) {
            return Verdict.TOKEN_REVOKED;
        }
        if (keys.size() > 1 && replies.size() > 1 && replies.get(1) != null) {
            if (issuedAt == null) {
                return Verdict.SUBJECT_REVOKED;
            }
            long watermark;
            try {
                watermark = Long.parseLong(replies.get(1));
            } catch (NumberFormatException e) {
                return Verdict.SUBJECT_REVOKED; // someone else wrote this key: stay on the safe side
            }
            if (issuedAt <= watermark) {
                return Verdict.SUBJECT_REVOKED;
            }
        }
        return Verdict.NOT_REVOKED;
    }
}
