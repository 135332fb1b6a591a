package io.github.redisfilters.demo;

import io.github.redisfilters.jwt.TokenVerifier;

/**
 * Checks the HS256 signature and expiry of every bearer token before the JwtBlacklistFilter looks
 * it up in Redis (named by {@code verifierClass} in web.xml).
 */
public class DemoTokenVerifier implements TokenVerifier {
    private final DemoTokens tokens = DemoTokens.fromEnvironment();

    @Override
    public boolean verify(String token) {
        return tokens.verify(token) != null;
    }
}
