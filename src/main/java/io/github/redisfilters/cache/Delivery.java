package io.github.redisfilters.cache;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * The deliver state for a stored response: its headers (its own {@code Date}, not a second one),
 * the computed {@code Age} and the cache status header, then a 304 when the request's validators
 * match (with only the fields RFC 9110 §15.4.5 names), a 206 for one satisfiable byte range, the
 * headers alone for {@code HEAD}, or the body.
 */
final class Delivery {
    private Delivery() {
    }

    /**
     * Writes {@code e} as the answer to {@code req}.
     *
     * @param statusHeader the cache status header's name, or null for none
     * @param label        its value ({@code HIT}, {@code STALE}, {@code MISS})
     */
    static void write(CacheEntry e, HttpServletRequest req, HttpServletResponse res, long nowMillis, String statusHeader,
            String label) throws IOException {
        boolean notModified = e.status() == 200 && CachePolicy.notModified(e, RequestHeaders.values(req, "If-None-Match"),
                req.getHeader("If-Modified-Since"));
        byte[] body = e.body();
        ByteRange range = notModified || e.status() != 200 ? null
                : ByteRange.of(req.getHeader("Range"), req.getHeader("If-Range"), e, body.length);
        res.setStatus(notModified ? HttpServletResponse.SC_NOT_MODIFIED
                : range != null ? HttpServletResponse.SC_PARTIAL_CONTENT : e.status());
        for (CacheEntry.Header h : e.headers()) {
            if (notModified && !StoredHeaders.NOT_MODIFIED.contains(h.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (is(h.name(), "Content-Type")) {
                res.setContentType(h.value());
            } else if (is(h.name(), "Date")) {
                res.setHeader("Date", h.value()); // replaces the container's own
            } else {
                res.addHeader(h.name(), h.value());
            }
        }
        res.setHeader("Age", Long.toString(e.ageSeconds(nowMillis)));
        if (statusHeader != null) {
            res.setHeader(statusHeader, label);
        }
        if (notModified) {
            return;
        }
        boolean get = req.getMethod().equals("GET");
        if (range != null) {
            res.setHeader("Content-Range", range.contentRange(body.length));
            res.setContentLength((int) range.length());
            if (get) {
                res.getOutputStream().write(body, (int) range.first(), (int) range.length());
            }
            return;
        }
        res.setContentLength(body.length);
        if (get && body.length > 0) {
            res.getOutputStream().write(body);
        }
    }

    /** A field name compared with a canonical one, ignoring case (stored names are mostly canonical: equals first). */
    private static boolean is(String name, String canonical) {
        return name.equals(canonical) || name.equalsIgnoreCase(canonical);
    }
}
