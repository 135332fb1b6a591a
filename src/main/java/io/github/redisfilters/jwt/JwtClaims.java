package io.github.redisfilters.jwt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.Base64;

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
    // Streaming, not a tree: only four members are read, everything else is skipped unseen.
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(40)
                    .maxStringLength(64 * 1024).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
    private static final double MAX_NUMERIC_DATE = 253_402_300_799d; // 9999-12-31T23:59:59Z

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
        String alg = readHeaderAlg(decode(token.substring(0, first), "header"));
        if (alg == null || alg.isBlank()) {
            throw new MalformedTokenException("token header has no algorithm");
        }
        if (alg.trim().equalsIgnoreCase("none")) {
            throw new MalformedTokenException("unsigned tokens are not accepted");
        }
        return readPayload(decode(token.substring(first + 1, second), "payload"));
    }

    static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static byte[] decode(String part, String what) throws MalformedTokenException {
        try {
            return B64URL.decode(part);
        } catch (IllegalArgumentException e) {
            throw new MalformedTokenException("token " + what + " is not valid base64url");
        }
    }

    private static String readHeaderAlg(byte[] json) throws MalformedTokenException {
        String alg = null;
        try (JsonParser p = JSON.createParser(json)) {
            startObject(p, "header");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if ("alg".equals(name)) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new MalformedTokenException("token header has no algorithm");
                    }
                    alg = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            endObject(p, t, "header");
        } catch (IOException | RuntimeException e) {
            throw new MalformedTokenException("token header is not valid JSON");
        }
        return alg;
    }

    private static JwtClaims readPayload(byte[] json) throws MalformedTokenException {
        String jti = null;
        String sub = null;
        Long iat = null;
        Long exp = null;
        try (JsonParser p = JSON.createParser(json)) {
            startObject(p, "payload");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                switch (name) {
                    case "jti" -> jti = text(p, t, name);
                    case "sub" -> sub = text(p, t, name);
                    case "iat" -> iat = seconds(p, t, name);
                    case "exp" -> exp = seconds(p, t, name);
                    default -> p.skipChildren();
                }
            }
            endObject(p, t, "payload");
        } catch (IOException | RuntimeException e) {
            throw new MalformedTokenException("token payload is not valid JSON");
        }
        return new JwtClaims(jti, sub, iat, exp);
    }

    private static void startObject(JsonParser p, String what) throws IOException, MalformedTokenException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedTokenException("token " + what + " is not a JSON object");
        }
    }

    private static void endObject(JsonParser p, JsonToken last, String what) throws IOException, MalformedTokenException {
        if (last != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new MalformedTokenException("token " + what + " is not a JSON object");
        }
    }

    private static String text(JsonParser p, JsonToken t, String claim) throws IOException, MalformedTokenException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new MalformedTokenException("claim '" + claim + "' is not a string");
        }
        return p.getText();
    }

    private static Long seconds(JsonParser p, JsonToken t, String claim) throws IOException, MalformedTokenException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new MalformedTokenException("claim '" + claim + "' is not a number");
        }
        double d = p.getDoubleValue();
        // NumericDate: seconds since the epoch; refuse values no clock could produce.
        if (Double.isNaN(d) || d < 0 || d > MAX_NUMERIC_DATE) {
            throw new MalformedTokenException("claim '" + claim + "' is out of range");
        }
        return t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : (long) Math.floor(d);
    }
}
