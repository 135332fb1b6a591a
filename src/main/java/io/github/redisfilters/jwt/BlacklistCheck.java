package io.github.redisfilters.jwt;

import io.github.redisfilters.internal.client.Commands;
import io.github.redisfilters.internal.client.ReadPlan;
import io.github.redisfilters.internal.client.Replies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis side of one blacklist check as a read plan, so that it can travel in one pipeline
 * with the other filters' lookups: {@link #plan} says which keys to {@code MGET} (derived from
 * the token alone); {@link #decide} turns the replies into a verdict. A pure read: another filter
 * may send it before this one is reached. Immutable: a token's check is built once and kept with
 * its parse ({@link ParsedTokens}); all keys share one hash-tag slot.
 */
final class BlacklistCheck implements ReadPlan<BlacklistCheck.Verdict> {
    /** What the replies say. */
    enum Verdict { NOT_REVOKED, TOKEN_REVOKED, SUBJECT_REVOKED }

    private final List<String> keys;
    private final List<byte[]> rawKeys;
    private final Long issuedAt;

    BlacklistCheck(List<String> keys, Long issuedAt) {
        this.keys = List.copyOf(keys);
        List<byte[]> raw = new ArrayList<>(keys.size());
        for (String k : keys) {
            raw.add(k.getBytes(StandardCharsets.UTF_8));
        }
        this.rawKeys = List.copyOf(raw);
        this.issuedAt = issuedAt;
    }

    static BlacklistCheck plan(BlacklistKeys keys, JwtClaims claims, String token) {
        String id = BlacklistKeys.tokenId(claims.jti(), token);
        if (claims.subject() == null) {
            return new BlacklistCheck(List.of(keys.tokenKey(null, id)), claims.issuedAt());
        }
        return new BlacklistCheck(keys.subjectKeys(claims.subject(), id), claims.issuedAt());
    }

    /** Keys to read with one {@code MGET}: the token entry, then (for tokens with a subject) the subject's watermark. */
    List<String> keys() {
        return keys;
    }

    /** The token's {@code iat}, or null. */
    Long issuedAt() {
        return issuedAt;
    }

    @Override
    public void addTo(Commands commands) {
        commands.mget(rawKeys);
    }

    @Override
    public Verdict decide(Replies replies) {
        List<?> values = replies.list(0);
        List<String> text = new ArrayList<>(values.size());
        for (Object v : values) {
            text.add(v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null);
        }
        return decide(text);
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
