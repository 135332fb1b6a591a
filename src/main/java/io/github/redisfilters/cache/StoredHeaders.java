package io.github.redisfilters.cache;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which response header fields a stored entry keeps, sends on a 304, and takes from a 304. */
final class StoredHeaders {
    /**
     * Never stored: hop-by-hop fields, {@code Age} and {@code Content-Length} (recomputed) and
     * {@code Set-Cookie} (personal; a response setting one is not stored at all). The obsolete
     * {@code Set-Cookie2} is an ordinary end-to-end field and is stored like any other.
     */
    static final Set<String> NOT_STORED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "transfer-encoding", "upgrade", "trailer", "proxy-authenticate", "proxy-authorization", "age",
            "content-length", "set-cookie");
    /** Sent with a 304 answered from the cache (RFC 9110 §15.4.5). */
    static final Set<String> NOT_MODIFIED = Set.of("cache-control", "content-location", "date",
            "etag", "expires", "vary", "last-modified");

    private StoredHeaders() {
    }

    /**
     * The headers to store from a captured response: without hop-by-hop fields, fields named in
     * {@code Connection}, fields the policy stripped ({@code no-cache="x"}) and the status header.
     */
    static List<CacheEntry.Header> select(String contentType, Map<String, List<String>> held, List<String> connection,
            List<String> stripped, String statusHeader) {
        Set<String> drop = new HashSet<>(NOT_STORED);
        drop.addAll(stripped);
        for (String v : connection) {
            for (String n : v.split(",")) {
                drop.add(n.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (statusHeader != null) {
            drop.add(statusHeader.toLowerCase(Locale.ROOT));
        }
        List<CacheEntry.Header> out = new ArrayList<>();
        if (contentType != null) {
            out.add(new CacheEntry.Header("Content-Type", contentType));
        }
        for (Map.Entry<String, List<String>> h : held.entrySet()) {
            if (!drop.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                for (String v : h.getValue()) {
                    out.add(new CacheEntry.Header(h.getKey(), v));
                }
            }
        }
        return out;
    }

    /** The stored headers updated from a 304 (RFC 9111 §4.3.4): the 304's fields replace stored ones of the same name. */
    static List<CacheEntry.Header> merge(List<CacheEntry.Header> stored, Map<String, List<String>> update) {
        List<CacheEntry.Header> merged = new ArrayList<>();
        for (CacheEntry.Header h : stored) {
            if (!update.containsKey(h.name()) || NOT_STORED.contains(h.name().toLowerCase(Locale.ROOT))) {
                merged.add(h);
            }
        }
        for (Map.Entry<String, List<String>> h : update.entrySet()) {
            if (!NOT_STORED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                for (String v : h.getValue()) {
                    merged.add(new CacheEntry.Header(h.getKey(), v));
                }
            }
        }
        return merged;
    }

    /** Values of one header (case-insensitive name) among {@code headers}. */
    static List<String> values(List<CacheEntry.Header> headers, String name) {
        List<String> values = new ArrayList<>();
        for (CacheEntry.Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                values.add(h.value());
            }
        }
        return values;
    }

    /** A strong {@code ETag} value for a body that has no validator: the first 128 bits of its SHA-256, quoted. */
    static String generatedEtag(byte[] body) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
