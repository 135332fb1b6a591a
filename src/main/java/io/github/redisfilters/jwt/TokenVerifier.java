package io.github.redisfilters.jwt;

/**
 * Application-supplied check of a token's signature (and anything else the application wants to
 * verify, such as issuer or audience), run by {@link JwtBlacklistFilter} before the blacklist
 * lookup.
 *
 * <p><b>Without a verifier the filter verifies no signature.</b> It reads {@code jti},
 * {@code sub}, {@code iat} and {@code exp} from the unverified payload only to find blacklist
 * entries, and its "pass" means "not revoked", never "authentic". Authenticating the token stays
 * the application's job unless a verifier is configured, in which case tokens it rejects get a
 * 401 {@code invalid_token} before any Redis call.
 *
 * <p>Implementations must be thread-safe. Register one with
 * {@link JwtBlacklistConfig.Builder#verifier(TokenVerifier)}, or name a class with a public no-arg
 * constructor in the {@code verifierClass} init-param. An exception thrown by {@link #verify}
 * counts as a rejection (401), never as a server error.
 */
@FunctionalInterface
public interface TokenVerifier {
    /**
     * @param token the compact JWS exactly as the client sent it (never log it)
     * @return true if the token is authentic and acceptable
     */
    boolean verify(String token);
}
