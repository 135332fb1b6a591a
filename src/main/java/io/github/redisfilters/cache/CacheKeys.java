package io.github.redisfilters.cache;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds Redis keys. An entry's URL key is the application-relative path plus the normalised
 * query; it never contains the host or any {@code X-Forwarded-*} value, so a client cannot place a
 * response under a key other clients read (unkeyed-header poisoning). The URL key is the hash tag
 * of every key of that URL (variants record, variant entries, miss lock, hit-for-pass marker,
 * invalidation marker), so the lookup and store scripts touch one Cluster slot.
 *
 * <p><b>One key per resource.</b> Lookup, store, invalidation and the purge API all go through
 * {@link #canonicalPath}: percent-encoded unreserved characters are decoded ({@code %61} =
 * {@code a}), every other escape is written with upper-case hex ({@code %2f} = {@code %2F}),
 * characters that need escaping are escaped, dot segments are removed ({@code /a/./b/../c} =
 * {@code /a/c}) and empty segments are dropped ({@code //a} = {@code /a}, as Tomcat maps it; Jetty
 * refuses such URLs). An escaped slash stays {@code %2F} (it is not a separator). A path with
 * {@code ;parameters} is not cached at all ({@link #hasPathParameters}): the servlet mapping ignores
 * them but the application may not, so sharing an entry could serve one rendering for another.
 *
 * <pre>
 *   &lt;prefix&gt;cache:{/api/products?page=2}              entry, or variants record when Vary
 *   &lt;prefix&gt;cache:{/api/products?page=2}#&lt;nonce&gt;:&lt;sha1&gt; entry of one variant
 *   &lt;prefix&gt;cache:{/api/products?page=2}#lock         miss-coalescing lock
 *   &lt;prefix&gt;cache:{/api/products?page=2}#pass         hit-for-pass marker (origin said uncacheable)
 *   &lt;prefix&gt;cache:{/api/products?page=2}#inv          time of the last invalidation (refuses late stores)
 *   &lt;prefix&gt;cache:gen:{/api}/products                 generation of a path prefix (prefix purges)
 *   &lt;prefix&gt;cache:gen-groups                         first segments that have generations
 *   &lt;prefix&gt;cache:tag:{product-42}                    set of base keys carrying a tag
 *   &lt;prefix&gt;cache:tag:{product-42}#purged            time of the tag's last purge
 * </pre>
 *
 * <p>URL keys and tags longer than {@value #MAX_KEY_PART} characters keep their first
 * {@value #KEPT_PART} characters followed by {@code ~} and the SHA-256 of the whole, so a hostile
 * URL cannot create an unbounded key.
 */
final class CacheKeys {
    static final int MAX_KEY_PART = 256;
    static final int KEPT_PART = 160;
    /** Deepest path prefix with its own generation; a deeper purge marks this depth (purges more, never less). */
    static final int MAX_DEPTH = 8;
    private static final String UNRESERVED = "-._~";
    /** Characters kept as they are in a path segment besides unreserved ones (RFC 3986 pchar minus ';'). */
    private static final String SEGMENT_KEEP = "!$&'()*+,=:@";
    /** Characters kept in a query component (RFC 3986 query minus the '&' and '=' separators). */
    private static final String QUERY_KEEP = "!$'()*+,;:@/?";

    private final String prefix;
    private final boolean sortQuery;
    private final List<String> ignoredQueryParameters;

    CacheKeys(String keyPrefix, boolean sortQuery, List<String> ignoredQueryParameters) {
        this.prefix = keyPrefix + "cache:";
        this.sortQuery = sortQuery;
        this.ignoredQueryParameters = List.copyOf(ignoredQueryParameters);
    }

    /** Application-relative canonical path and normalised query, e.g. {@code /api/products?a=1&b=2}. */
    String urlKey(String requestUri, String contextPath, String query) {
        String path = requestUri;
        if (contextPath != null && !contextPath.isEmpty() && path.startsWith(contextPath)) {
            path = path.substring(contextPath.length());
        }
        path = canonicalPath(path);
        String q = normaliseQuery(query);
        return q.isEmpty() ? path : path + "?" + q;
    }

    /** True when a raw path has a {@code ;} segment parameter (such requests are not cached). */
    static boolean hasPathParameters(String rawPath) {
        return rawPath != null && rawPath.indexOf(';') >= 0;
    }

    /**
     * The one spelling of a raw (still percent-encoded) path: see the class comment. Always starts
     * with {@code /}; idempotent.
     */
    static String canonicalPath(String rawPath) {
        return isCanonical(rawPath) ? rawPath : rebuild(rawPath);
    }

    /**
     * True when {@link #rebuild} would return the path unchanged (the usual request): it starts
     * with {@code /}, has no empty, {@code .} or {@code ..} segment, no trailing {@code /} and only
     * characters a canonical segment keeps as they are (no escape, no {@code ;}).
     */
    private static boolean isCanonical(String p) {
        int n = p.length();
        if (n == 0 || p.charAt(0) != '/') {
            return false;
        }
        if (n == 1 || p.charAt(n - 1) == '/') {
            return n == 1;
        }
        int segment = 1;
        for (int i = 1; i <= n; i++) {
            char c = i < n ? p.charAt(i) : '/';
            if (c == '/') {
                int len = i - segment;
                if (len == 0 || (p.charAt(segment) == '.' && (len == 1 || (len == 2 && p.charAt(segment + 1) == '.')))) {
                    return false;
                }
                segment = i + 1;
            } else if (c >= 0x80 || !(isUnreserved(c) || SEGMENT_KEEP.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** The canonical path built segment by segment (see the class comment). */
    static String rebuild(String rawPath) {
        Deque<String> out = new ArrayDeque<>();
        for (String raw : rawPath.split("/", -1)) {
            int semi = raw.indexOf(';');
            String seg = canonical(semi < 0 ? raw : raw.substring(0, semi), SEGMENT_KEEP);
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                out.pollLast();
                continue;
            }
            out.addLast(seg);
        }
        return "/" + String.join("/", out);
    }

    /** Decodes escapes of unreserved characters, upper-cases the others, escapes what must be. */
    private static String canonical(String s, String keep) {
        StringBuilder b = new StringBuilder(s.length());
        ByteArrayOutputStream pending = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                int v = hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2));
                i += 2;
                if (v < 0x80 && isUnreserved((char) v)) {
                    b.append((char) v);
                } else {
                    b.append('%').append(Character.toUpperCase(s.charAt(i - 1))).append(Character.toUpperCase(s.charAt(i)));
                }
                continue;
            }
            if (c < 0x80 && (isUnreserved(c) || keep.indexOf(c) >= 0)) {
                b.append(c);
                continue;
            }
            if (pending == null) {
                pending = new ByteArrayOutputStream(8);
            }
            pending.reset();
            int end = i + 1;
            if (Character.isHighSurrogate(c) && end < s.length()) {
                end++;
            }
            pending.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
            for (byte x : pending.toByteArray()) {
                b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 15, 16)))
                        .append(Character.toUpperCase(Character.forDigit(x & 15, 16)));
            }
            i = end - 1;
        }
        return b.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || UNRESERVED.indexOf(c) >= 0;
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
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
            String name = canonical(eq < 0 ? pair : pair.substring(0, eq), QUERY_KEEP);
            if (!isIgnored(name)) {
                kept.add(eq < 0 ? name : name + "=" + canonical(pair.substring(eq + 1), QUERY_KEEP + "="));
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

    /** Hit-for-pass marker: the origin recently answered this URL with something not storable. */
    String pass(String urlKey) {
        return base(urlKey) + "#pass";
    }

    /** Invalidation marker of a base key: Redis time of its last invalidation. */
    static String invalidated(String baseKey) {
        return baseKey + "#inv";
    }

    String tag(String tag) {
        return prefix + "tag:{" + bounded(escapeBraces(tag)) + "}";
    }

    static String tagPurged(String tagKey) {
        return tagKey + "#purged";
    }

    /** The set of first path segments that have generation keys (walked by a purge of {@code /}). */
    String generationGroups() {
        return prefix + "gen-groups";
    }

    /**
     * Generation keys of the path prefixes of a URL key, shortest first: {@code /api},
     * {@code /api/products}, {@code /api/products/42} (at most {@value #MAX_DEPTH}); {@code /}
     * alone for the root. All share the first segment's hash tag, so one {@code MGET} reads them.
     */
    List<String> generations(String urlKey) {
        int q = urlKey.indexOf('?');
        return generationsOfPath(q < 0 ? urlKey : urlKey.substring(0, q), MAX_DEPTH);
    }

    /**
     * The generation key a prefix purge advances: its whole segments (a trailing {@code *} or
     * {@code /} is dropped), cut to {@value #MAX_DEPTH} segments.
     */
    String generationOfPrefix(String pathPrefix) {
        String p = pathPrefix.endsWith("*") ? pathPrefix.substring(0, pathPrefix.length() - 1) : pathPrefix;
        int q = p.indexOf('?');
        List<String> all = generationsOfPath(canonicalPath(q < 0 ? p : p.substring(0, q)), MAX_DEPTH);
        return all.get(all.size() - 1);
    }

    /** The generation key of the prefix made of one first segment, e.g. {@code /api}. */
    String generationOfGroup(String firstSegment) {
        return prefix + "gen:{" + bounded(escapeBraces(firstSegment)) + "}";
    }

    /** The first segment of a canonical path ({@code /} for the root), the hash tag of its generations. */
    static String group(String urlKeyOrPath) {
        int q = urlKeyOrPath.indexOf('?');
        String path = q < 0 ? urlKeyOrPath : urlKeyOrPath.substring(0, q);
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path : path.substring(0, slash);
    }

    private List<String> generationsOfPath(String path, int depth) {
        String group = group(path);
        String head = prefix + "gen:{" + bounded(escapeBraces(group)) + "}";
        List<String> out = new ArrayList<>(4);
        out.add(head);
        int from = group.length();
        while (from < path.length() && out.size() < depth) {
            int next = path.indexOf('/', from + 1);
            int end = next < 0 ? path.length() : next;
            out.add(head + bounded(escapeBraces(path.substring(group.length(), end))));
            from = end;
        }
        return out;
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

    private static String escapeBraces(String s) {
        return s.replace("{", "%7B").replace("}", "%7D");
    }
}
