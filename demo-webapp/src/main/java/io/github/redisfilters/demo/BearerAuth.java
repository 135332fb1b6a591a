package io.github.redisfilters.demo;

import com.auth0.jwt.interfaces.DecodedJWT;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * Requires a valid demo token on a request. Revocation is checked earlier by the
 * JwtBlacklistFilter; this verifies the signature and expiry and yields the claims.
 */
final class BearerAuth {
    private final DemoTokens tokens;

    BearerAuth(DemoTokens tokens) {
        this.tokens = tokens;
    }

    /** The raw bearer token, or null. */
    static String token(HttpServletRequest req) {
        String h = req.getHeader("Authorization");
        if (h == null || h.length() < 8 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String t = h.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    /** The verified token, or null after answering 401 with {@code WWW-Authenticate}. */
    DecodedJWT require(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String token = token(req);
        if (token == null) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"shop\"");
            Json.error(resp, 401, "missing bearer token");
            return null;
        }
        DecodedJWT jwt = tokens.check(token);
        if (jwt == null) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"shop\", error=\"invalid_token\"");
            Json.error(resp, 401, "invalid token");
            return null;
        }
        return jwt;
    }
}
