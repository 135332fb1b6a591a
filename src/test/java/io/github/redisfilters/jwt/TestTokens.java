package io.github.redisfilters.jwt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds compact JWS strings by hand (HS256 with a test secret), and verifies them. */
final class TestTokens {
    static final byte[] SECRET = "test-secret-test-secret-test-secret!".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TestTokens() {
    }

    static String b64(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A signed token from raw header and payload JSON. */
    static String raw(String headerJson, String payloadJson) {
        String signingInput = b64(headerJson) + "." + b64(payloadJson);
        return signingInput + "." + B64.encodeToString(hmac(signingInput));
    }

    static String token(String sub, String jti, Instant iat, Instant exp) {
        StringBuilder p = new StringBuilder("{");
        if (sub != null) {
            p.append("\"sub\":\"").append(sub.replace("\\", "\\\\").replace("\"", "\\\"")).append("\",");
        }
        if (jti != null) {
            p.append("\"jti\":\"").append(jti).append("\",");
        }
        if (iat != null) {
            p.append("\"iat\":").append(iat.getEpochSecond()).append(',');
        }
        if (exp != null) {
            p.append("\"exp\":").append(exp.getEpochSecond()).append(',');
        }
        p.append("\"scope\":\"demo\"}");
        return raw("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", p.toString());
    }

    /** A fresh token for {@code sub}: random jti, issued now, valid 15 minutes. */
    static String fresh(String sub) {
        Instant now = Instant.now();
        return token(sub, UUID.randomUUID().toString(), now, now.plusSeconds(900));
    }

    static boolean verify(String token) {
        int last = token.lastIndexOf('.');
        byte[] expected = hmac(token.substring(0, last));
        byte[] actual;
        try {
            actual = Base64.getUrlDecoder().decode(token.substring(last + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] hmac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The HS256 verifier used by tests, also loadable through {@code verifierClass}. */
    public static final class Hs256Verifier implements TokenVerifier {
        public Hs256Verifier() {
        }

        @Override
        public boolean verify(String token) {
            return TestTokens.verify(token);
        }
    }
}
