package io.github.redisfilters.cache;

/**
 * One satisfiable byte range of a stored complete response (RFC 9110 §14), so that a
 * {@code Range} request is answered 206 from the cache. Anything else — several ranges, another
 * unit, a syntax error, an {@code If-Range} that does not match — is null: the full 200 is sent
 * (a server may always ignore {@code Range}).
 *
 * @param first first byte, inclusive
 * @param last  last byte, inclusive
 */
record ByteRange(long first, long last) {
    static ByteRange of(String range, String ifRange, CacheEntry stored, long length) {
        if (range == null || length == 0 || !range.startsWith("bytes=") || range.indexOf(',') >= 0) {
            return null;
        }
        if (ifRange != null && !ifRangeMatches(ifRange.trim(), stored)) {
            return null;
        }
        String spec = range.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) { // suffix: the last N bytes
                long n = Long.parseLong(b);
                return n <= 0 ? null : new ByteRange(Math.max(0, length - n), length - 1);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? length - 1 : Math.min(Long.parseLong(b), length - 1);
            return first < 0 || first >= length || last < first ? null : new ByteRange(first, last);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code If-Range}: a strong ETag equal to the stored one, or the stored Last-Modified date exactly. */
    private static boolean ifRangeMatches(String ifRange, CacheEntry stored) {
        if (ifRange.startsWith("\"")) {
            String etag = stored.header("ETag");
            return etag != null && !etag.startsWith("W/") && etag.trim().equals(ifRange);
        }
        String lm = stored.header("Last-Modified");
        return lm != null && CachePolicy.parseDate(lm) >= 0 && CachePolicy.parseDate(lm) == CachePolicy.parseDate(ifRange);
    }

    long length() {
        return last - first + 1;
    }

    String contentRange(long total) {
        return "bytes " + first + "-" + last + "/" + total;
    }
}
