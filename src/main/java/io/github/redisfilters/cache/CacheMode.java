package io.github.redisfilters.cache;

/** How a cache rule decides freshness. */
public enum CacheMode {
    /**
     * The application decides: a matching {@code GET} is stored for the rule's TTL whatever the
     * origin's freshness headers say; origin headers can only restrict ({@code no-store},
     * {@code private}, {@code no-cache}, {@code Set-Cookie}, {@code Vary: *}). Request
     * {@code Cache-Control} directives are ignored, so clients cannot force origin renders.
     */
    TTL,
    /**
     * A shared cache following RFC 9111: freshness from {@code s-maxage}, {@code max-age},
     * {@code Expires} or (only where allowed) a heuristic; request directives honoured.
     */
    STANDARD
}
