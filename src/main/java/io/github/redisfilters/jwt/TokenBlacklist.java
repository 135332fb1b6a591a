package io.github.redisfilters.jwt;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.LuaScript;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.params.SetParams;

/**
 * Revokes JSON Web Tokens, for every server of the application at once, and answers whether a
 * token is revoked. It shares the Redis client and key prefix of the {@link JwtBlacklistFilter}
 * that published it.
 *
 * <p>Get it in application code from the servlet context:
 * <pre>{@code
 * TokenBlacklist blacklist = TokenBlacklist.from(request.getServletContext());
 * blacklist.revoke(token);                                         // logout
 * blacklist.revokeAllFor(subject, Instant.now());                  // log out everywhere
 * }</pre>
 * The filter stores it in the context attribute {@link #CONTEXT_ATTRIBUTE} when it starts (and
 * also under {@code CONTEXT_ATTRIBUTE + "." + filterName}). Outside a filter, build one with
 * {@link #create(SharedRedisClient, JwtBlacklistConfig)}.
 *
 * <p><b>Entries expire by themselves.</b> A token entry lives until the token's {@code exp} plus
 * {@code clockSkew}; revoking a token that is already past that is a no-op and writes nothing. A
 * subject watermark lives until its instant plus {@code maxTokenLifetime} plus {@code clockSkew},
 * after which every token it covered has expired anyway — so {@code maxTokenLifetime} must be at
 * least the lifetime of the longest-lived token the application issues.
 *
 * <p><b>Watermark granularity.</b> {@code iat} is in whole seconds, so a watermark is stored in
 * whole seconds (the instant rounded down) and revokes tokens with {@code iat <= watermark}: a
 * token issued in the same second as {@link #revokeAllFor} counts as revoked, including one
 * issued a few milliseconds after it (a client that logs in again at once should retry after a
 * second). Tokens without {@code iat} are revoked by any watermark of their subject.
 *
 * <p><b>Keys and Cluster.</b> Entries of a subject are hash-tagged with a digest of the subject,
 * so the filter's check is one {@code MGET} on one slot. A token's entry is therefore found
 * through its {@code sub}: {@link #revoke(String)} and {@link #revoke(String, String, Instant)}
 * take it from the token or the caller; {@link #revoke(String, Instant)} is for tokens that carry
 * no {@code sub} claim.
 *
 * <p>Every method throws the unchecked {@link RedisUnavailableException} when Redis cannot be
 * reached (or its circuit breaker is open). Instances are thread-safe.
 */
public final class TokenBlacklist {
    /** Context attribute under which {@link JwtBlacklistFilter} publishes its blacklist. */
    public static final String CONTEXT_ATTRIBUTE = TokenBlacklist.class.getName();

    private static final LuaScript REVOKE_ALL = LuaScript.fromResource(TokenBlacklist.class, "lua/revoke_all_before.lua");

    private final SharedRedisClient redis;
    private final BlacklistKeys keys;
    private final Duration clockSkew;
    private final Duration maxTokenLifetime;
    private final Clock clock;

    TokenBlacklist(SharedRedisClient redis, String keyPrefix, Duration clockSkew, Duration maxTokenLifetime, Clock clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = new BlacklistKeys(Objects.requireNonNull(keyPrefix, "keyPrefix"));
        this.clockSkew = clockSkew;
        this.maxTokenLifetime = maxTokenLifetime;
        this.clock = clock;
    }

    /**
     * A blacklist on {@code client} using its settings' key prefix and {@code config}'s
     * {@code clockSkew}, {@code maxTokenLifetime} and clock. The caller keeps owning the client.
     */
    public static TokenBlacklist create(SharedRedisClient client, JwtBlacklistConfig config) {
        return new TokenBlacklist(client, client.settings().keyPrefix(), config.clockSkew(), config.maxTokenLifetime(),
                config.clock());
    }

    /**
     * The blacklist published by the (first started) {@link JwtBlacklistFilter} of this web
     * application.
     *
     * @throws IllegalStateException if no such filter has started
     */
    public static TokenBlacklist from(ServletContext context) {
        Object o = context.getAttribute(CONTEXT_ATTRIBUTE);
        if (o instanceof TokenBlacklist b) {
            return b;
        }
        throw new IllegalStateException("no TokenBlacklist in context attribute '" + CONTEXT_ATTRIBUTE
                + "': is a JwtBlacklistFilter declared and started?");
    }

    /**
     * Revokes one token (logout). Its {@code jti} (or, without one, its SHA-256) is blacklisted
     * until its {@code exp} plus clock skew; a token without {@code exp} is blacklisted for
     * {@code maxTokenLifetime} plus clock skew. The signature is not checked: pass only tokens your
     * application accepted.
     *
     * @return true if an entry was written, false if the token had already expired
     * @throws IllegalArgumentException if the token cannot be read (the message never contains it)
     */
    public boolean revoke(String token) {
        JwtClaims claims = parse(token);
        return write(claims.subject(), BlacklistKeys.tokenId(claims.jti(), token), claims.expiresAt());
    }

    /**
     * Revokes the token of {@code subject} with this {@code jti} until {@code expiresAt} (plus
     * clock skew).
     *
     * @param subject   the token's {@code sub} claim
     * @param expiresAt the token's {@code exp}, or null if it has none
     * @return true if an entry was written, false if the token had already expired
     */
    public boolean revoke(String subject, String jti, Instant expiresAt) {
        requireText(subject, "subject");
        requireText(jti, "jti");
        return write(subject, BlacklistKeys.tokenId(jti, null), expiresAt == null ? null : expiresAt.getEpochSecond());
    }

    /**
     * Revokes a token <b>that has no {@code sub} claim</b> by its {@code jti}. Tokens with a
     * subject are keyed under their subject (see the class comment); revoke those with
     * {@link #revoke(String)} or {@link #revoke(String, String, Instant)}.
     *
     * @param expiresAt the token's {@code exp}, or null if it has none
     * @return true if an entry was written, false if the token had already expired
     */
    public boolean revoke(String jti, Instant expiresAt) {
        requireText(jti, "jti");
        return write(null, BlacklistKeys.tokenId(jti, null), expiresAt == null ? null : expiresAt.getEpochSecond());
    }

    /**
     * Revokes every token of {@code subject} issued at or before {@code before}, in whole seconds
     * ("log out everywhere", password change). Watermarks only move forward: an earlier instant
     * than the stored one changes nothing.
     *
     * @return true if the watermark was raised, false if an equal or later one existed or every
     *         covered token has expired already
     */
    public boolean revokeAllFor(String subject, Instant before) {
        requireText(subject, "subject");
        Objects.requireNonNull(before, "before");
        long seconds = before.getEpochSecond();
        long ttl = seconds + maxTokenLifetime.toSeconds() + clockSkew.toSeconds() - nowSeconds();
        if (ttl <= 0) {
            return false;
        }
        Object r = redis.eval(REVOKE_ALL, List.of(keys.watermarkKey(subject)),
                List.of(Long.toString(seconds), Long.toString(ttl)));
        return r instanceof Long l && l == 1L;
    }

    /**
     * True if {@code token} is blacklisted or covered by its subject's watermark (one round trip).
     * Expiry and signature are not considered.
     *
     * @throws IllegalArgumentException if the token cannot be read
     */
    public boolean isRevoked(String token) {
        JwtClaims claims = parse(token);
        return check(BlacklistCheck.plan(keys, claims, token)) != BlacklistCheck.Verdict.NOT_REVOKED;
    }

    BlacklistKeys keys() {
        return keys;
    }

    /** Runs a check's plan in one {@code MGET} and decides. */
    BlacklistCheck.Verdict check(BlacklistCheck plan) {
        return redis.send(plan);
    }

    private boolean write(String subject, String id, Long expiresAtSeconds) {
        long now = nowSeconds();
        long ttl = expiresAtSeconds == null ? maxTokenLifetime.toSeconds() + clockSkew.toSeconds()
                : expiresAtSeconds - now + clockSkew.toSeconds();
        if (ttl <= 0) {
            return false;
        }
        String key = keys.tokenKey(subject, id);
        String value = expiresAtSeconds == null ? "-" : Long.toString(expiresAtSeconds);
        redis.call(j -> j.set(key, value, SetParams.setParams().ex(ttl)));
        return true;
    }

    private long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    private static JwtClaims parse(String token) {
        try {
            return JwtClaims.parse(token);
        } catch (MalformedTokenException e) {
            throw new IllegalArgumentException("cannot read the token: " + e.getMessage());
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
