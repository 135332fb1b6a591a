package io.github.redisfilters.ratelimit;

import java.util.Locale;

/** What identifies the client a rule counts separately. */
public enum KeySource {
    /** The client address (through the trusted-proxy resolver; IPv6 grouped by prefix). */
    IP,
    /** The authenticated user ({@code request.getUserPrincipal().getName()}). */
    PRINCIPAL,
    /** A request header such as an API key (hashed before it becomes part of a Redis key). */
    HEADER,
    /** The existing HTTP session's id (hashed; no session is ever created by the filter). */
    SESSION,
    /** The filter's {@link KeyResolver}. */
    CUSTOM;

    static KeySource parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown key '" + s
                    + "' (expected ip, principal, header:<Name>, session or custom)");
        }
    }
}
