package io.github.redisfilters.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code CDN-Cache-Control} (RFC 9213): Cache-Control directives for CDNs and reverse proxies
 * only, written as a Structured Field dictionary (RFC 8941). When a response carries a valid one,
 * this cache follows it and ignores {@code Cache-Control} and {@code Expires} for its own storing
 * and freshness; an invalid one is ignored as a whole.
 */
final class CdnCacheControl {
    /** An SF dictionary key, then optionally {@code =} and a bare item (no spaces around {@code =}). */
    private static final Pattern MEMBER = Pattern.compile(
            "[a-z*][a-z0-9_\\-.*]*(=(-?\\d{1,15}|\"[^\"\\\\]*\"|[A-Za-z*][A-Za-z0-9:/!#$%&'*+\\-.^_`|~]*|\\?[01]))?(;[a-z*][a-z0-9_\\-.*]*(=[^;,]*)?)*");
    private static final Pattern INTEGER = Pattern.compile("\\d{1,15}");

    private CdnCacheControl() {
    }

    /** The directives of a valid {@code CDN-Cache-Control}, or null when absent or invalid. */
    static CacheControl parse(List<String> headerValues) {
        if (headerValues.isEmpty()) {
            return null;
        }
        List<String> members = new ArrayList<>();
        for (String line : headerValues) {
            for (String raw : line.split(",", -1)) {
                String m = raw.strip();
                if (m.isEmpty() || !MEMBER.matcher(m).matches()) {
                    return null;
                }
                int eq = m.indexOf('=');
                int semi = m.indexOf(';');
                String key = eq < 0 || (semi >= 0 && semi < eq) ? (semi < 0 ? m : m.substring(0, semi)) : m.substring(0, eq);
                if ((key.equals("max-age") || key.equals("s-maxage") || key.equals("stale-while-revalidate")
                        || key.equals("stale-if-error")) && (eq < 0 || !INTEGER.matcher(value(m, eq)).matches())) {
                    return null; // these directives are Integers
                }
                members.add(semi < 0 ? m : m.substring(0, semi));
            }
        }
        return CacheControl.parse(List.of(String.join(", ", members)));
    }

    private static String value(String member, int eq) {
        int semi = member.indexOf(';', eq);
        return semi < 0 ? member.substring(eq + 1) : member.substring(eq + 1, semi);
    }
}
