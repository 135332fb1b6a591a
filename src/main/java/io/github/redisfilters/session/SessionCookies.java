package io.github.redisfilters.session;

import jakarta.servlet.http.HttpServletRequest;

/** Builds the {@code Set-Cookie} header of the session cookie. */
final class SessionCookies {
    private SessionCookies() {
    }

    /**
     * @param secureRequest the client used HTTPS (directly or as a trusted proxy reports it)
     * @param value         empty = expire the cookie
     */
    static String header(RedisSessionConfig config, HttpServletRequest request, boolean secureRequest, String value) {
        StringBuilder b = new StringBuilder(128);
        b.append(config.cookieName()).append('=').append(value);
        String path = config.cookiePath();
        if (path == null) {
            path = request.getContextPath();
            if (path == null || path.isEmpty()) {
                path = "/";
            }
        }
        b.append("; Path=").append(path);
        if (config.cookieDomain() != null) {
            b.append("; Domain=").append(config.cookieDomain());
        }
        if (value.isEmpty()) {
            b.append("; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        }
        boolean secure = switch (config.cookieSecure()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> secureRequest;
        };
        if (secure || "None".equals(config.cookieSameSite())) {
            b.append("; Secure");
        }
        if (config.cookieHttpOnly()) {
            b.append("; HttpOnly");
        }
        if (config.cookieSameSite() != null) {
            b.append("; SameSite=").append(config.cookieSameSite());
        }
        return b.toString();
    }
}
