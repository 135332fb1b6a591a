package io.github.redisfilters.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds Redis keys. An entry's URL key is the application-relative path plus the normalised
 * query; it never contains the host or any {@code X-Forwarded-*} value, so a client cannot place a
 * response under a key other clients read (unkeyed-header poisoning). The URL key is the hash tag
 * of every key of that URL (variants record, variant entries, miss lock), so the lookup and store
 * scripts touch one Cluster slot, and prefix purges can find keys with {@code SCAN MATCH}.
 *
 * <pre>
 *   &lt;prefix&gt;cache:{/api/products?page=2}              entry, or variants record when Vary
 *   &lt;prefix&gt;cache:{/api/products?page=2}#&lt;nonce&gt;:&lt;sha1&gt; entry of one variant
 *   &lt;prefix&gt;cache:{/api/products?page=2}#lock         miss-coalescing lock
 *   &lt;prefix&gt;cache:tag:{product-42}                    set of base keys carrying a tag
 * </pre>
 *
 * <p>URL keys and tags longer than {@value #MAX_KEY_PART} characters keep their first
 * {@value #KEPT_PART} characters followed by {@code ~} and the SHA-256 of the whole, so a hostile
 * URL cannot create an unbounded key (prefix purges still match on the kept part).
 */
final class CacheKeys {
    static final int MAX_KEY_PART = 256;
    static final int KEPT_PART = 160;

    private final String prefix;
    private final boolean sortQuery;
    private final List<String> ignoredQueryParameters;

    CacheKeys(String keyPrefix, boolean sortQuery, List<String> ignoredQueryParameters) {
        this.prefix = keyPrefix + "cache:";
        this.sortQuery = sortQuery;
        this.ignoredQueryParameters = List.copyOf(ignoredQueryParameters);
    }

    /** Application-relative path and normalised query, e.g. {@code /api/products?a=1&b=2}. */
    String urlKey(String requestUri, String contextPath, String query) {
        String path = requestUri;
        if (contextPath != null && !contextPath.isEmpty() && path.startsWith(contextPath)) {
            path = path.substring(contextPath.length());
        }
        if (path.isEmpty()) {
            path = "/";
        }
        String q = normaliseQuery(query);
        return q.isEmpty() ? path : path + "?" + q;
    }

    String normaliseQuery(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        List<String> kept = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!isIgnored(name)) {
                kept.add(pair);
            }
        }
        if (sortQuery) {
            // stable sort by name only keeps repeated parameters (a=2&a=1) in their meaningful order
            kept.sort((x, y) -> name(x).compareTo(name(y)));
        }
        return String.join("&", kept);
    }

    private static String name(String pair) {
        int eq = pair.indexOf('=');
        return eq < 0 ? pair : pair.substring(0, eq);
    }

    private boolean isIgnored(String name) {
        for (String p : ignoredQueryParameters) {
            if (p.endsWith("*") ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p)) {
                return true;
            }
        }
        return false;
    }

    String base(String urlKey) {
        return prefix + "{" + bounded(escapeBraces(urlKey)) + "}";
    }

    String lock(String urlKey) {
        return base(urlKey) + "#lock";
    }

    String tag(String tag) {
        return prefix + "tag:{" + bounded(escapeBraces(tag)) + "}";
    }

    /** {@code SCAN MATCH} pattern of every key whose URL key starts with {@code pathPrefix}. */
    String scanPattern(String pathPrefix) {
        String escaped = escapeBraces(pathPrefix).replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
        return escapeGlob(prefix) + "{" + escaped + "*";
    }

    static String bounded(String part) {
        if (part.length() <= MAX_KEY_PART) {
            return part;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(part.getBytes(StandardCharsets.UTF_8));
            return part.substring(0, KEPT_PART) + "~" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escapeGlob(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private static String escapeBraces(String s) {
        return s.replace("{", "%7B").replace("}", "%7D");
    }
}
