package io.github.redisfilters.demo;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Issues and verifies the demo's HS256 tokens (java-jwt). */
final class DemoTokens {
    static final long LIFETIME_SECONDS = 900;
    private static final String DEFAULT_SECRET = "demo-only-secret-change-me-0123456789abcdef";

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Clock clock;

    DemoTokens(String secret, Clock clock) {
        this.algorithm = Algorithm.HMAC256((secret == null || secret.isBlank() ? DEFAULT_SECRET : secret)
                .getBytes(StandardCharsets.UTF_8));
        this.verifier = JWT.require(algorithm).acceptLeeway(5).build();
        this.clock = clock;
    }

    static DemoTokens fromEnvironment() {
        return new DemoTokens(System.getenv("DEMO_JWT_SECRET"), Clock.systemUTC());
    }

    String issue(String subject) {
        Instant now = clock.instant();
        return JWT.create()
                .withJWTId(UUID.randomUUID().toString())
                .withSubject(subject)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(LIFETIME_SECONDS))
                .sign(algorithm);
    }

    /** The verified token, or null when the signature, algorithm or expiry is wrong. */
    DecodedJWT verify(String token) {
        try {
            return verifier.verify(token);
        } catch (JWTVerificationException e) {
            return null;
        }
    }
}
