package io.github.redisfilters.cache;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Vary names last seen per URL key on this server, so that a lookup sends only those request
 * headers. Only an optimisation: the lookup script asks for every header when the URL varies on
 * one that was not sent.
 */
final class VaryHints {
    private static final int MAX_URLS = 10_000;

    private final Map<String, List<String>> byUrl = new ConcurrentHashMap<>();

    /** The names last seen for this URL key, or null when unknown. */
    List<String> get(String urlKey) {
        return byUrl.get(urlKey);
    }

    void remember(String urlKey, List<String> names) {
        if (names.equals(byUrl.get(urlKey))) {
            return; // the usual case, every hit: a read, no write
        }
        if (byUrl.size() >= MAX_URLS) {
            byUrl.clear(); // start over rather than grow
        }
        byUrl.put(urlKey, names);
    }

    void forget(String urlKey) {
        byUrl.remove(urlKey);
    }
}
