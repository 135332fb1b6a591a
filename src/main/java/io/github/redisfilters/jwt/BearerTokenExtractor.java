package io.github.redisfilters.jwt;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * Finds the bearer token of a request: the {@code Authorization: Bearer} header (RFC 6750 §2.1,
 * scheme case-insensitive, exactly one token), else the configured cookie, else the configured
 * query parameter (RFC 6750 §2.3, only when enabled). Anything that is not a well-formed token is
 * reported without ever copying the offending text into the result.
 */
final class BearerTokenExtractor {
    /** Outcome of extraction. */
    sealed interface Result permits NoToken, Found, Invalid {
    }

    /** No bearer credentials (another scheme, or nothing at all). */
    record NoToken() implements Result {
    }

    /** A syntactically plausible token. */
    record Found(String token) implements Result {
    }

    /**
     * Unusable credentials.
     *
     * @param invalidRequest true for RFC 6750 {@code invalid_request} (400: several tokens or
     *                       several methods), false for {@code invalid_token} (401)
     * @param description    fixed client-safe text
     */
    record Invalid(boolean invalidRequest, String description) implements Result {
    }

    static final NoToken NO_TOKEN = new NoToken();

    private final String cookieName;
    private final String queryParameter;
    private final int maxTokenSize;

    BearerTokenExtractor(String cookieName, String queryParameter, int maxTokenSize) {
        this.cookieName = cookieName;
        this.queryParameter = queryParameter;
        this.maxTokenSize = maxTokenSize;
    }

    Result extract(HttpServletRequest request) {
        Result fromHeader = fromHeaders(request.getHeaders("Authorization"));
        if (queryParameter != null && request.getQueryString() != null) {
            String[] values = request.getParameterValues(queryParameter);
            if (values != null && values.length > 0) {
                if (!(fromHeader instanceof NoToken) || values.length > 1) {
                    return new Invalid(true, "more than one access token in the request");
                }
                return check(values[0]);
            }
        }
        if (!(fromHeader instanceof NoToken)) {
            return fromHeader;
        }
        if (cookieName != null) {
            Cookie[] cookies = request.getCookies();
            if (cookies != null) {
                for (Cookie c : cookies) {
                    if (cookieName.equals(c.getName())) {
                        return check(c.getValue());
                    }
                }
            }
        }
        return NO_TOKEN;
    }

    Result fromHeaders(Enumeration<String> headers) {
        Result found = NO_TOKEN;
        if (headers == null) {
            return found;
        }
        while (headers.hasMoreElements()) {
            String h = headers.nextElement();
            Result r = fromHeader(h);
            if (r instanceof NoToken) {
                continue;
            }
            if (!(found instanceof NoToken)) {
                return new Invalid(true, "more than one Authorization header with a bearer token");
            }
            found = r;
        }
        return found;
    }

    /** Parses one {@code Authorization} header value. */
    Result fromHeader(String header) {
        if (header == null) {
            return NO_TOKEN;
        }
        if (header.length() > maxTokenSize + 64) {
            // Do not scan an oversized header; decide by its scheme only (after leading white space,
            // as below: padding must not turn a bearer token into "no token").
            int start = 0;
            while (start < header.length() && Character.isWhitespace(header.charAt(start))) {
                start++;
            }
            boolean bearer = header.regionMatches(true, start, "Bearer", 0, 6)
                    && (start + 6 == header.length() || " \t\r\n".indexOf(header.charAt(start + 6)) >= 0);
            return bearer ? new Invalid(false, "token too large") : NO_TOKEN;
        }
        String h = header.strip();
        int space = indexOfWhitespace(h);
        String scheme = space < 0 ? h : h.substring(0, space);
        if (!scheme.equalsIgnoreCase("Bearer")) {
            return NO_TOKEN;
        }
        if (space < 0) {
            return new Invalid(false, "bearer token missing");
        }
        String token = h.substring(space + 1).strip();
        if (token.isEmpty()) {
            return new Invalid(false, "bearer token missing");
        }
        return check(token, true);
    }

    private Result check(String token) {
        if (token == null || token.isEmpty()) {
            return new Invalid(false, "bearer token missing");
        }
        return check(token, false);
    }

    /**
     * One pass over the token. {@code fromHeader}: white space or a comma inside means more than
     * one token was sent (that message wins over the others, as the client's mistake is that).
     */
    private Result check(String token, boolean fromHeader) {
        boolean separator = false;
        boolean outside = false;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 128 && TOKEN_CHARS[c]) {
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') {
                separator = true;
            } else {
                outside = true;
            }
        }
        if (fromHeader && separator) {
            return new Invalid(false, "Authorization header must carry exactly one bearer token");
        }
        if (token.length() > maxTokenSize) {
            return new Invalid(false, "token too large");
        }
        if (outside || separator) {
            return new Invalid(false, "token contains characters outside base64url");
        }
        return new Found(token);
    }

    /** The characters of a compact JWS: base64url and the dots between its parts. */
    private static final boolean[] TOKEN_CHARS = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            TOKEN_CHARS[c] = c == '.' || JwtClaims.isBase64Url(c);
        }
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return i;
            }
        }
        return -1;
    }
}
