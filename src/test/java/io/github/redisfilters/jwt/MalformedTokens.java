package io.github.redisfilters.jwt;

import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The malformed-input corpus: {@code Authorization} header values that must each get a 401 (or
 * 400 for RFC 6750 invalid_request), never a 5xx, never with token text echoed back.
 */
final class MalformedTokens {
    private MalformedTokens() {
    }

    static final String HUGE = "eyJhbGciOiJIUzI1NiJ9." + "A".repeat(20_000) + ".c2ln";

    /** (label, full Authorization header value). Values must be sendable by an HTTP client. */
    static List<Arguments> headers() {
        return List.of(
                Arguments.of("Bearer only", "Bearer"),
                Arguments.of("Bearer and spaces", "Bearer    "),
                Arguments.of("not a JWS", "Bearer abcdefXYZsecretish"),
                Arguments.of("two dots only", "Bearer .."),
                Arguments.of("empty payload", "Bearer eyJhbGciOiJIUzI1NiJ9..c2ln"),
                Arguments.of("four parts", "Bearer a.b.c.d"),
                Arguments.of("bad base64", "Bearer eyJhbGciOiJIUzI1NiJ9.@@@notbase64@@@.c2ln"),
                Arguments.of("bad base64 length", "Bearer eyJhbGciOiJIUzI1NiJ9.Q.c2ln"),
                Arguments.of("payload not JSON", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "this is not json")),
                Arguments.of("payload JSON array", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "[1,2,3]")),
                Arguments.of("payload JSON string", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "\"sub\"")),
                Arguments.of("header not JSON", "Bearer " + TestTokens.b64("nope") + "." + TestTokens.b64("{}") + ".c2ln"),
                Arguments.of("non-numeric exp", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "{\"sub\":\"a\",\"exp\":\"tomorrow\"}")),
                Arguments.of("non-numeric iat", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "{\"sub\":\"a\",\"iat\":true}")),
                Arguments.of("duplicate sub", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "{\"sub\":\"a\",\"sub\":\"b\"}")),
                Arguments.of("content after the object", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "{\"sub\":\"a\"} {}")),
                Arguments.of("numeric sub", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "{\"sub\":42}")),
                Arguments.of("exp out of range", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "{\"exp\":1e300}")),
                Arguments.of("alg none", "Bearer " + TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64("{\"sub\":\"a\"}") + "."),
                Arguments.of("alg none with fake signature", "Bearer " + TestTokens.raw("{\"alg\":\"None\"}", "{\"sub\":\"a\"}")),
                Arguments.of("no alg", "Bearer " + TestTokens.raw("{\"typ\":\"JWT\"}", "{\"sub\":\"a\"}")),
                Arguments.of("huge token", "Bearer " + HUGE),
                Arguments.of("two tokens", "Bearer " + TestTokens.fresh("a") + " " + TestTokens.fresh("b")),
                Arguments.of("quote and comma injection", "Bearer abc\",error=\"x,def"),
                Arguments.of("quote injection", "Bearer a.b\"c.d"),
                Arguments.of("percent-encoded CRLF", "Bearer a.b%0d%0aSet-Cookie:x=1.c"),
                Arguments.of("non-ascii", "Bearer a.bé.c"),
                Arguments.of("deeply nested JSON", "Bearer " + TestTokens.raw("{\"alg\":\"HS256\"}", "{\"a\":" + "[".repeat(500) + "]".repeat(500) + "}")));
    }
}
