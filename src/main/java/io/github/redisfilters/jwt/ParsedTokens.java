package io.github.redisfilters.jwt;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What parsing a token gave, kept for the tokens clients keep sending: a client sends the same
 * bearer token on every request until it expires, and parsing it (base64url, JSON, the SHA-256
 * of its subject for the key) is most of this filter's own work per request. Only the parse is
 * kept; expiry is judged against the clock on every request, and Redis is asked every time.
 *
 * <p>Bounded: at most {@value #MAX_ENTRIES} tokens of at most {@value #MAX_TOKEN_CHARS}
 * characters (longer ones are parsed every time). When full it starts over, so a client that
 * sends a new token with every request (or an attacker spraying tokens) costs what it cost
 * without the cache, and memory stays below a few MiB.
 */
final class ParsedTokens {
    static final int MAX_ENTRIES = 1024;
    static final int MAX_TOKEN_CHARS = 4096;

    /** A token's parse: its claims, or why it is malformed. */
    record Parsed(JwtClaims claims, BlacklistCheck plan, String malformed) {
    }

    /** Parses a token (called at most once per token while it is kept). */
    @FunctionalInterface
    interface Parser {
        Parsed parse(String token);
    }

    private final ConcurrentHashMap<String, Parsed> parsed = new ConcurrentHashMap<>();
    private final Parser parser;

    ParsedTokens(Parser parser) {
        this.parser = parser;
    }

    Parsed get(String token) {
        Parsed p = parsed.get(token);
        if (p != null) {
            return p;
        }
        p = parser.parse(token);
        if (token.length() <= MAX_TOKEN_CHARS) {
            if (parsed.size() >= MAX_ENTRIES) {
                parsed.clear();
            }
            parsed.put(token, p);
        }
        return p;
    }

    /** Tokens kept (tests). */
    int size() {
        return parsed.size();
    }
}
