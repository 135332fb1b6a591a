package io.github.redisfilters.cache;

import java.util.List;

/**
 * One stored response: what the codec writes to Redis. Times are epoch milliseconds from the
 * filter's clock; {@code initialAgeSeconds} is the corrected initial age of RFC 9111 §4.2.3.
 * {@code generations} are the values of the URL's prefix generations when its render began (see
 * {@link CacheKeys#generations}): the entry is only served while they are still current, so a
 * prefix purge hides it at once, and a render that began before the purge never shows.
 */
record CacheEntry(int status, long storedAtMillis, long initialAgeSeconds, long freshnessMillis,
        long staleWhileRevalidateMillis, long staleIfErrorMillis, boolean mustRevalidate,
        List<Header> headers, byte[] body, String generations) {

    CacheEntry(int status, long storedAtMillis, long initialAgeSeconds, long freshnessMillis,
            long staleWhileRevalidateMillis, long staleIfErrorMillis, boolean mustRevalidate,
            List<Header> headers, byte[] body) {
        this(status, storedAtMillis, initialAgeSeconds, freshnessMillis, staleWhileRevalidateMillis,
                staleIfErrorMillis, mustRevalidate, headers, body, "");
    }

    /** The same entry, recorded as rendered under these prefix generations. */
    CacheEntry withGenerations(String g) {
        return new CacheEntry(status, storedAtMillis, initialAgeSeconds, freshnessMillis, staleWhileRevalidateMillis,
                staleIfErrorMillis, mustRevalidate, headers, body, g);
    }

    /** One response header field line. */
    record Header(String name, String value) {
    }

    /** Current age in seconds (RFC 9111 §4.2.3). */
    long ageSeconds(long nowMillis) {
        return initialAgeSeconds + Math.max(0, nowMillis - storedAtMillis) / 1000;
    }

    /** Milliseconds of freshness left, negative once stale. */
    long freshnessLeftMillis(long nowMillis) {
        return freshnessMillis - (initialAgeSeconds * 1000 + Math.max(0, nowMillis - storedAtMillis));
    }

    String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }
}
