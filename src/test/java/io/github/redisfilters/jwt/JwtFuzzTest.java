package io.github.redisfilters.jwt;

import static io.github.redisfilters.testing.Fuzz.fields;
import static io.github.redisfilters.testing.Fuzz.guarded;
import static io.github.redisfilters.testing.Fuzz.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes what a client controls in the JWT blacklist: the {@code Authorization} header, cookie and
 * query parameter, and the token's JSON. Bad input gets a {@link MalformedTokenException} or an
 * {@code Invalid} result with one of a few fixed, client-safe descriptions (they go into
 * {@code WWW-Authenticate}), never another exception and never the client's text.
 */
class JwtFuzzTest {
    private static final int MAX_TOKEN = 200;
    private static final Set<String> CLAIM_ERRORS = Set.of("empty token",
            "token is not a JWS compact serialization (header.payload.signature)", "token has an empty payload",
            "unsigned tokens are not accepted", "token contains characters outside base64url",
            "token header has no algorithm", "token header is not valid base64url", "token payload is not valid base64url",
            "token header is not valid JSON", "token payload is not valid JSON", "token header is not a JSON object",
            "token payload is not a JSON object", "claim 'jti' is not a string", "claim 'sub' is not a string",
            "claim 'iat' is not a number", "claim 'exp' is not a number", "claim 'iat' is out of range",
            "claim 'exp' is out of range");
    private static final Set<String> EXTRACT_ERRORS = Set.of("more than one access token in the request",
            "more than one Authorization header with a bearer token", "token too large", "bearer token missing",
            "Authorization header must carry exactly one bearer token", "token contains characters outside base64url");
    private static final ObjectMapper ORACLE = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** Input: the token as sent. */
    @FuzzTest(maxDuration = "2m")
    void tokens(byte[] data) {
        claims(text(data));
    }

    /**
     * Input: {@code header JSON \n payload JSON \n signature}; the harness base64url-encodes the
     * JSON so that the fuzzer works on JSON. Checked against Jackson's tree model.
     */
    @FuzzTest(maxDuration = "2m")
    void tokenJson(byte[] data) throws Exception {
        List<String> f = fields(data, '\n', 3);
        byte[] header = f.get(0).getBytes(StandardCharsets.UTF_8);
        byte[] payload = f.get(1).getBytes(StandardCharsets.UTF_8);
        String token = B64.encodeToString(header) + "." + B64.encodeToString(payload) + "."
                + (f.get(2).isEmpty() ? "c2ln" : f.get(2));
        JwtClaims claims = claims(token);
        Expected expected = Expected.of(header, payload);
        if (claims != null) {
            assertThat(expected).as("accepted only what JSON allows").isNotNull();
            assertThat(claims).isEqualTo(expected.claims);
        } else if (expected != null && expected.withinLimits && !f.get(2).contains(".")
                && token.chars().allMatch(c -> c == '.' || JwtClaims.isBase64Url((char) c))) {
            throw new AssertionError("rejected a well-formed token " + expected.claims);
        }
    }

    private static JwtClaims claims(String token) {
        try {
            JwtClaims c = guarded(() -> JwtClaims.parse(token));
            for (Long t : new Long[] {c.issuedAt(), c.expiresAt()}) {
                if (t != null) {
                    assertThat(t).isBetween(0L, 253_402_300_799L);
                }
            }
            return c;
        } catch (MalformedTokenException e) {
            assertThat(CLAIM_ERRORS).as("fixed client-safe text").contains(e.getMessage());
            return null;
        }
    }

    /** What a strict JSON reading of the token says the claims are; null when it is not valid. */
    private record Expected(JwtClaims claims, boolean withinLimits) {
        static Expected of(byte[] header, byte[] payload) {
            JsonNode h;
            JsonNode p;
            try {
                h = ORACLE.readTree(header);
                p = ORACLE.readTree(payload);
            } catch (Exception e) {
                return null;
            }
            if (h == null || p == null || !h.isObject() || !p.isObject() || !h.path("alg").isTextual()
                    || h.path("alg").asText().isBlank() || h.path("alg").asText().trim().equalsIgnoreCase("none")) {
                return null;
            }
            String jti = text(p.get("jti"));
            String sub = text(p.get("sub"));
            Long iat = seconds(p.get("iat"));
            Long exp = seconds(p.get("exp"));
            if (jti == BAD || sub == BAD || iat == BAD_NUMBER || exp == BAD_NUMBER) {
                return null;
            }
            boolean within = depth(h) < 30 && depth(p) < 30 && !new String(payload, StandardCharsets.UTF_8).matches("(?s).*\\d{30}.*")
                    && !new String(header, StandardCharsets.UTF_8).matches("(?s).*\\d{30}.*")
                    && header.length < 60_000 && payload.length < 60_000;
            return new Expected(new JwtClaims(jti, sub, iat, exp), within);
        }

        private static final String BAD = new String("bad");
        private static final Long BAD_NUMBER = Long.MIN_VALUE;

        private static String text(JsonNode n) {
            return n == null || n.isNull() ? null : n.isTextual() ? n.asText() : BAD;
        }

        private static Long seconds(JsonNode n) {
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isNumber()) {
                return BAD_NUMBER;
            }
            double d = n.doubleValue();
            if (Double.isNaN(d) || d < 0 || d > 253_402_300_799d) {
                return BAD_NUMBER;
            }
            return n.isIntegralNumber() ? n.longValue() : (long) Math.floor(d);
        }

        private static int depth(JsonNode n) {
            int max = 0;
            for (JsonNode c : n) {
                max = Math.max(max, depth(c));
            }
            return n.isContainerNode() ? max + 1 : 0;
        }
    }

    /**
     * Input: lines {@code H:<Authorization value>}, {@code Q:<access_token parameter>} or
     * {@code C:<access_token cookie>}.
     */
    @FuzzTest(maxDuration = "2m")
    void requests(byte[] data) {
        List<String> headers = new ArrayList<>();
        List<String> query = new ArrayList<>();
        List<Cookie> cookies = new ArrayList<>();
        for (String line : text(data).split("\n", 16)) {
            String v = line.length() < 2 ? "" : line.substring(2);
            if (line.startsWith("H:")) {
                headers.add(v);
            } else if (line.startsWith("Q:")) {
                query.add(v);
            } else if (line.startsWith("C:")) {
                try {
                    cookies.add(new Cookie("access_token", v));
                } catch (IllegalArgumentException e) {
                    // not a value a container would hand over
                }
            }
        }
        HttpServletRequest req = mock(HttpServletRequest.class);
        when(req.getHeaders("Authorization")).thenAnswer(i -> Collections.enumeration(headers));
        when(req.getQueryString()).thenReturn(query.isEmpty() ? null : "access_token=...");
        when(req.getParameterValues("access_token")).thenReturn(query.isEmpty() ? null : query.toArray(String[]::new));
        when(req.getCookies()).thenReturn(cookies.isEmpty() ? null : cookies.toArray(Cookie[]::new));
        BearerTokenExtractor extractor = new BearerTokenExtractor("access_token", "access_token", MAX_TOKEN);

        BearerTokenExtractor.Result r = guarded(() -> extractor.extract(req));
        long bearerHeaders = headers.stream().filter(JwtFuzzTest::isBearer).count();
        if (r instanceof BearerTokenExtractor.Found found) {
            String t = found.token();
            assertThat(t).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_TOKEN);
            assertThat(t.chars().allMatch(c -> c == '.' || JwtClaims.isBase64Url((char) c))).as(t).isTrue();
            assertThat(bearerHeaders + query.size()).as("one source only").isLessThanOrEqualTo(1);
            boolean fromHeader = headers.stream().anyMatch(h -> isBearer(h) && h.strip().substring(6).strip().equals(t));
            assertThat(fromHeader || query.contains(t) || cookies.stream().anyMatch(c -> c.getValue().equals(t)))
                    .as("the token is one the client sent").isTrue();
        } else if (r instanceof BearerTokenExtractor.Invalid invalid) {
            assertThat(EXTRACT_ERRORS).as("fixed client-safe text").contains(invalid.description());
            if (invalid.invalidRequest()) {
                assertThat(bearerHeaders + query.size()).as("400 only for several tokens").isGreaterThan(1);
            }
        } else {
            assertThat(bearerHeaders).as("a bearer header is never ignored: %s", headers).isZero();
            assertThat(query).isEmpty();
        }
    }

    /** RFC 6750 §2.1: the scheme, case-insensitive, then whitespace or the end. */
    private static boolean isBearer(String header) {
        String h = header.strip();
        return h.regionMatches(true, 0, "Bearer", 0, 6) && (h.length() == 6 || " \t\r\n".indexOf(h.charAt(6)) >= 0);
    }
}
