package io.github.redisfilters.jwt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;

/**
 * The four claims the blacklist needs, read from the payload of a JWS compact serialization
 * without verifying anything. Every other claim and header member is ignored except {@code alg},
 * which is read only to refuse unsecured ({@code none}) tokens.
 *
 * @param jti        the {@code jti} claim, or null
 * @param subject    the {@code sub} claim, or null
 * @param issuedAt   {@code iat} in epoch seconds (fractions dropped), or null
 * @param expiresAt  {@code exp} in epoch seconds (fractions dropped), or null
 */
record JwtClaims(String jti, String subject, Long issuedAt, Long expiresAt) {
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(40)
                    .maxStringLength(64 * 1024).build())
            .build());
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    /**
     * Parses {@code token} (already checked for size and alphabet by the extractor, but this
     * method re-checks so that application code can call it with anything).
     */
    static JwtClaims parse(String token) throws MalformedTokenException {
        if (token == null || token.isEmpty()) {
            throw new MalformedTokenException("empty token");
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new MalformedTokenException("token is not a JWS compact serialization (header.payload.signature)");
        }
        if (second == first + 1) {
            throw new MalformedTokenException("token has an empty payload");
        }
        if (second == token.length() - 1) {
            throw new MalformedTokenException("unsigned tokens are not accepted");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c == '.' || isBase64Url(c))) {
                throw new MalformedTokenException("token contains characters outside base64url");
            }
        }
        JsonNode header = object(token.substring(0, first), "header");
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || alg.asText().isBlank()) {
            throw new MalformedTokenException("token header has no algorithm");
        }
        if (alg.asText().trim().toLowerCase(Locale.ROOT).equals("none")) {
            throw new MalformedTokenException("unsigned tokens are not accepted");
        }
        JsonNode payload = object(token.substring(first + 1, second), "payload");
        return new JwtClaims(text(payload, "jti"), text(payload, "sub"), seconds(payload, "iat"),
                seconds(payload, "exp"));
    }

    static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static JsonNode object(String part, String what) throws MalformedTokenException {
        byte[] bytes;
        try {
            bytes = B64URL.decode(part);
        } catch (IllegalArgumentException e) {
            throw new MalformedTokenException("token " + what + " is not valid base64url");
        }
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (IOException | RuntimeException e) {
            throw new MalformedTokenException("token " + what + " is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedTokenException("token " + what + " is not a JSON object");
        }
        return node;
    }

    private static String text(JsonNode payload, String claim) throws MalformedTokenException {
        JsonNode n = payload.get(claim);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new MalformedTokenException("claim '" + claim + "' is not a string");
        }
        return n.asText();
    }

    private static Long seconds(JsonNode payload, String claim) throws MalformedTokenException {
        JsonNode n = payload.get(claim);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new MalformedTokenException("claim '" + claim + "' is not a number");
        }
        double d = n.asDouble();
        // NumericDate: seconds since the epoch; refuse values no clock could produce.
        if (Double.isNaN(d) || d < 0 || d > 253_402_300_799d) {
            throw new MalformedTokenException("claim '" + claim + "' is out of range");
        }
        return n.canConvertToLong() ? n.asLong() : (long) Math.floor(d);
    }
}
