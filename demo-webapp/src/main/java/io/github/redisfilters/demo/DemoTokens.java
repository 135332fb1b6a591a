package io.github.redisfilters.demo;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.github.redisfilters.jwt.TokenVerifier;
import jakarta.servlet.ServletContext;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues and verifies the demo's HS256 tokens (java-jwt). The signing key comes from a
 * {@code demoJwtSecret} context-param set by the container (never in web.xml) or else the
 * {@code DEMO_JWT_SECRET} environment variable (the same order as {@code redisUrl} before
 * {@code REDIS_URL}); without either it is random, made once at start.
 */
final class DemoTokens implements TokenVerifier {
    static final long LIFETIME_SECONDS = 900;
    static final String SECRET_VARIABLE = "DEMO_JWT_SECRET";
    static final String SECRET_PARAMETER = "demoJwtSecret";
    /** RFC 7518 section 3.2: an HS256 key has at least 256 bits. */
    static final int MIN_SECRET_BYTES = 32;
    static final int MAX_SUBJECT_LENGTH = 64;
    private static final Logger LOG = LoggerFactory.getLogger(DemoTokens.class);

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Clock clock;
    private final String keySource;

    DemoTokens(byte[] key, Clock clock) {
        this(key, clock, "configured");
    }

    private DemoTokens(byte[] key, Clock clock, String keySource) {
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(SECRET_VARIABLE + " must be at least " + MIN_SECRET_BYTES
                    + " bytes (256 bits) for HS256 but has " + key.length);
        }
        this.algorithm = Algorithm.HMAC256(key);
        this.verifier = JWT.require(algorithm)
                .withClaimPresence("sub").withClaimPresence("jti").withClaimPresence("iat").withClaimPresence("exp")
                .acceptLeeway(5).build();
        this.clock = clock;
        this.keySource = keySource;
    }

    /** A key no one else knows: tokens die with this instance. */
    static DemoTokens withRandomKey(Clock clock) {
        byte[] key = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(key);
        return new DemoTokens(key, clock, "random");
    }

    static DemoTokens forContext(ServletContext ctx) {
        String secret = ctx.getInitParameter(SECRET_PARAMETER);
        if (secret == null || secret.isBlank()) {
            secret = System.getenv(SECRET_VARIABLE);
        }
        if (secret == null || secret.isBlank()) {
            LOG.warn("{} is not set: tokens are signed with a random key made at start, so they do not survive a restart"
                    + " and one server does not accept another's (set the same {} on every server)", SECRET_VARIABLE, SECRET_VARIABLE);
            return withRandomKey(Clock.systemUTC());
        }
        return new DemoTokens(secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
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

    /**
     * The verified token, or null when the signature, algorithm or expiry is wrong, or a claim the
     * demo relies on is missing or odd (a {@code sub} that is not a short string, dates that are not
     * numbers).
     */
    DecodedJWT check(String token) {
        try {
            DecodedJWT jwt = verifier.verify(token);
            String subject = jwt.getClaim("sub").asString();
            if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT_LENGTH) {
                return null;
            }
            return jwt;
        } catch (JWTVerificationException e) {
            return null;
        }
    }

    /** The JWT filter's verifier hook: the same check as {@link #check}. */
    @Override
    public boolean verify(String token) {
        return check(token) != null;
    }

    @Override
    public String toString() {
        return "DemoTokens{HS256, " + keySource + " key, requires sub/jti/iat/exp}";
    }
}
