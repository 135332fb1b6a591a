package io.github.redisfilters.cache;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The RFC 9111 decisions of a shared cache, and nothing else: whether a request may use the
 * cache, whether a response may be stored and for how long, whether a stored response may be
 * reused now, and whether a conditional request is answered with 304. It sees headers through
 * plain functions and time as numbers, never the servlet API or Redis, so it is tested alone.
 */
final class CachePolicy {
    /**
     * Statuses stored without explicit freshness, and the only ones ttl mode stores (RFC 9110
     * §15.1 heuristically cacheable, minus 206 and 308). In standard mode any other final status
     * is stored when the response gives explicit freshness (RFC 9111 §3).
     */
    static final Set<Integer> STORABLE_STATUSES = Set.of(200, 203, 204, 300, 301, 404, 405, 410, 414, 501);
    /** Status codes this cache understands (RFC 9110), for {@code must-understand} (RFC 9111 §5.2.2.3). */
    static final Set<Integer> UNDERSTOOD_STATUSES = Set.of(200, 201, 202, 203, 204, 205, 300, 301, 302, 303, 305, 307,
            308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 426,
            451, 500, 501, 502, 503, 504, 505);
    /** Heuristic freshness is 10% of the time since Last-Modified (RFC 9111 §4.2.2), capped here. */
    static final long HEURISTIC_CAP_MILLIS = Duration.ofHours(1).toMillis();

    private CachePolicy() {
    }

    /** What a request says about itself, read once by the filter. */
    record RequestFacts(String method, boolean authorization, boolean session, CacheControl cacheControl,
            boolean pragmaNoCache) {
        boolean isGetOrHead() {
            return method.equals("GET") || method.equals("HEAD");
        }
    }

    /** Result of {@link #storeDecision}: either a skip reason or the entry's timing. */
    record StoreDecision(String skipReason, long freshnessMillis, long swrMillis, long sieMillis,
            boolean mustRevalidate, long initialAgeSeconds, List<String> strippedHeaders) {
        static StoreDecision skip(String reason) {
            return new StoreDecision(reason, 0, 0, 0, false, 0, List.of());
        }

        boolean store() {
            return skipReason == null;
        }

        /** How long Redis keeps the entry: its remaining freshness plus the longest stale grace. */
        long retentionMillis() {
            long left = freshnessMillis - initialAgeSeconds * 1000;
            return Math.max(1000, Math.max(0, left) + Math.max(swrMillis, sieMillis));
        }
    }

    /** Whether a stored response may be reused now (RFC 9111 §4, §4.2.4, RFC 5861). */
    enum Reuse {
        /** fresh: serve */
        FRESH,
        /** stale, but the request accepts it ({@code max-stale}): serve as stale */
        STALE_ACCEPTED,
        /** stale within {@code stale-while-revalidate}: serve stale unless this request refreshes it */
        STALE_WHILE_REVALIDATE,
        /** stale within {@code stale-if-error} only: go to the origin, serve it if the origin fails */
        STALE_IF_ERROR,
        /**
         * standard mode, stale, revalidation not required: go to the origin (validating the entry
         * when it can), serve it only if the origin cannot be reached (RFC 9111 §4.2.4)
         */
        STALE_IF_DISCONNECTED,
        /** not usable: go to the origin */
        UNUSABLE
    }

    /**
     * Why a request bypasses the cache entirely (neither lookup nor store), or null. Requests with
     * credentials or a session are personal unless the application allowed sharing them.
     */
    static String bypassReason(RequestFacts req, boolean shareAuthorized) {
        if (!req.isGetOrHead()) {
            return "method";
        }
        if (req.authorization() && !shareAuthorized) {
            return "authorization";
        }
        if (req.session() && !shareAuthorized) {
            return "session";
        }
        return null;
    }

    /**
     * Decides whether a response may be stored (RFC 9111 §3) and computes its freshness
     * (§4.2.1, heuristics §4.2.2) and initial age (§4.2.3).
     *
     * @param headers response header values by name (case-insensitive), empty list when absent
     */
    static StoreDecision storeDecision(CacheMode mode, Duration ttl, Duration defaultSwr, Duration defaultSie,
            RequestFacts req, int status, Function<String, List<String>> headers, long nowMillis) {
        if (!req.method().equals("GET")) {
            return StoreDecision.skip("method");
        }
        CacheControl cdn = mode == CacheMode.STANDARD ? CdnCacheControl.parse(headers.apply("CDN-Cache-Control")) : null;
        CacheControl cc = cdn != null ? cdn : CacheControl.parse(headers.apply("Cache-Control"));
        List<String> expiresLines = cdn != null ? List.of() : headers.apply("Expires");
        boolean explicit = cc.seconds("s-maxage") >= 0 || cc.seconds("max-age") >= 0 || !expiresLines.isEmpty();
        if (status < 200 || status == 206 || status == 304
                || !(STORABLE_STATUSES.contains(status) || (mode == CacheMode.STANDARD && explicit))) {
            return StoreDecision.skip("status");
        }
        if (cc.has("must-understand") && !UNDERSTOOD_STATUSES.contains(status)) {
            return StoreDecision.skip("must-understand");
        }
        if (mode == CacheMode.STANDARD && req.cacheControl().has("no-store")) {
            return StoreDecision.skip("request-no-store");
        }
        if (cc.has("no-store")) {
            return StoreDecision.skip("no-store");
        }
        List<String> stripped = new ArrayList<>();
        if (cc.has("private")) {
            // a qualified private="x" only withholds the named fields (§5.2.2.7)
            if (cc.value("private").isEmpty()) {
                return StoreDecision.skip("private");
            }
            stripped.addAll(fieldNames(cc.value("private")));
        }
        if (cc.has("no-cache")) {
            // unqualified no-cache means "revalidate every time"; without revalidation storing is useless
            if (cc.value("no-cache").isEmpty()) {
                return StoreDecision.skip("no-cache");
            }
            stripped.addAll(fieldNames(cc.value("no-cache")));
        }
        if (!headers.apply("Set-Cookie").isEmpty()) {
            return StoreDecision.skip("set-cookie");
        }
        for (String vary : headers.apply("Vary")) {
            if (vary.contains("*")) {
                return StoreDecision.skip("vary-star");
            }
        }
        if (req.authorization() && !(cc.has("public") || cc.has("s-maxage") || cc.has("must-revalidate"))) {
            return StoreDecision.skip("authorization"); // §3.5
        }
        long date = parseDate(first(headers.apply("Date")));
        long apparentAge = date < 0 ? 0 : Math.max(0, nowMillis - date) / 1000;
        long ageValue = parseAge(headers.apply("Age"));
        long initialAge = Math.max(apparentAge, ageValue);

        if (mode == CacheMode.TTL) {
            return new StoreDecision(null, ttl.toMillis() + initialAge * 1000, defaultSwr.toMillis(),
                    defaultSie.toMillis(), false, initialAge, List.copyOf(stripped));
        }
        boolean mustRevalidate = cc.has("must-revalidate") || cc.has("proxy-revalidate") || cc.has("s-maxage");
        long freshness;
        if (cc.seconds("s-maxage") >= 0) {
            freshness = cc.seconds("s-maxage") * 1000;
        } else if (cc.seconds("max-age") >= 0) {
            freshness = cc.seconds("max-age") * 1000;
        } else if (!expiresLines.isEmpty()) {
            // two Expires lines, or one that is not an HTTP-date: already expired (§5.3)
            long expires = expiresLines.size() > 1 ? -1 : parseDate(expiresLines.get(0));
            long base = date < 0 ? nowMillis : date;
            freshness = expires < 0 ? 0 : Math.max(0, expires - base); // invalid Expires = already expired
        } else {
            long lastModified = parseDate(first(headers.apply("Last-Modified")));
            long base = date < 0 ? nowMillis : date;
            freshness = lastModified < 0 || lastModified > base ? 0
                    : Math.min(HEURISTIC_CAP_MILLIS, (base - lastModified) / 10);
        }
        long swr = mustRevalidate ? 0 : Math.max(0, cc.seconds("stale-while-revalidate")) * 1000;
        long sie = mustRevalidate ? 0 : Math.max(0, cc.seconds("stale-if-error")) * 1000;
        if (freshness - initialAge * 1000 <= 0 && swr == 0 && sie == 0) {
            return StoreDecision.skip("not-fresh");
        }
        return new StoreDecision(null, freshness, swr, sie, mustRevalidate, initialAge, List.copyOf(stripped));
    }

    /** RFC 9111 §4.2 and §5.2.1 (request directives apply in standard mode only). */
    static Reuse reuse(CacheEntry e, long nowMillis, CacheMode mode, RequestFacts req) {
        long left = e.freshnessLeftMillis(nowMillis);
        long maxStale = -1;
        if (mode == CacheMode.STANDARD) {
            CacheControl cc = req.cacheControl();
            if (cc.has("no-cache") || (cc.isEmpty() && req.pragmaNoCache())) {
                return Reuse.UNUSABLE;
            }
            long maxAge = cc.seconds("max-age");
            if (maxAge >= 0 && e.ageSeconds(nowMillis) > maxAge) {
                return Reuse.UNUSABLE;
            }
            long minFresh = cc.seconds("min-fresh");
            if (minFresh >= 0 && left < minFresh * 1000) {
                return Reuse.UNUSABLE;
            }
            if (cc.has("max-stale")) {
                maxStale = cc.value("max-stale").isEmpty() ? Long.MAX_VALUE : cc.seconds("max-stale") * 1000;
            }
        }
        if (left > 0) {
            return Reuse.FRESH;
        }
        if (e.mustRevalidate()) {
            return Reuse.UNUSABLE; // §5.2.2.2: never serve stale
        }
        long staleness = -left;
        if (maxStale >= 0 && staleness <= maxStale) {
            return Reuse.STALE_ACCEPTED;
        }
        if (staleness <= e.staleWhileRevalidateMillis()) {
            return Reuse.STALE_WHILE_REVALIDATE;
        }
        if (staleness <= e.staleIfErrorMillis()) {
            return Reuse.STALE_IF_ERROR;
        }
        // an unreachable origin may be replaced by a stale entry, unless the client limited staleness
        return mode == CacheMode.STANDARD && maxStale < 0 ? Reuse.STALE_IF_DISCONNECTED : Reuse.UNUSABLE;
    }

    /** True when an origin answer counts as an error that {@code stale-if-error} may hide. */
    static boolean isError(int status) {
        return status == 500 || status == 502 || status == 503 || status == 504;
    }

    /**
     * True when an origin answer says the origin could not be reached (502, 504): the only errors
     * a stale entry may stand in for without {@code stale-if-error} (§4.2.4).
     */
    static boolean isUnreachable(int status) {
        return status == 502 || status == 504;
    }

    /** True when the origin can validate a stored response instead of rendering it again (§4.3.1). */
    static boolean validatable(CacheEntry e) {
        return e.status() == 200 && (e.header("ETag") != null || e.header("Last-Modified") != null);
    }

    /**
     * True when a request that found nothing usable must be answered 504 rather than go to the
     * origin: {@code only-if-cached} (§5.2.1.7, standard mode).
     */
    static boolean onlyIfCached(CacheMode mode, RequestFacts req) {
        return mode == CacheMode.STANDARD && req.cacheControl().has("only-if-cached");
    }

    /**
     * RFC 9110 §13.1.2 / §13.1.3 evaluated against a stored response: true when a 304 answers the
     * request. {@code If-Modified-Since} is only looked at without {@code If-None-Match}.
     */
    static boolean notModified(CacheEntry e, List<String> ifNoneMatch, String ifModifiedSince) {
        if (!ifNoneMatch.isEmpty()) {
            String etag = e.header("ETag");
            for (String value : ifNoneMatch) {
                for (String candidate : value.split(",")) {
                    String c = candidate.trim();
                    if (c.equals("*") || (etag != null && weakEquals(c, etag))) {
                        return true;
                    }
                }
            }
            return false;
        }
        if (ifModifiedSince != null) {
            long since = parseDate(ifModifiedSince);
            if (since < 0) {
                return false;
            }
            long lastModified = parseDate(e.header("Last-Modified"));
            if (lastModified < 0) {
                lastModified = parseDate(e.header("Date"));
            }
            if (lastModified < 0) {
                lastModified = e.storedAtMillis() / 1000 * 1000;
            }
            return lastModified <= since;
        }
        return false;
    }

    static boolean weakEquals(String a, String b) {
        return opaque(a).equals(opaque(b));
    }

    private static String opaque(String tag) {
        String t = tag.trim();
        return t.startsWith("W/") ? t.substring(2) : t;
    }

    /** An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, RFC 850 or asctime, strictly) in epoch ms, or -1. */
    static long parseDate(String value) {
        return HttpDates.parse(value, System.currentTimeMillis());
    }

    static String formatDate(long epochMillis) {
        return HttpDates.format(epochMillis);
    }

    /**
     * The {@code Age} value (RFC 9111 §5.1): the first member of the first field line, non-negative
     * digits only ({@code 7200, 0} is 7200); anything else is ignored (0). Huge values saturate.
     */
    static long parseAge(List<String> lines) {
        if (lines.isEmpty()) {
            return 0;
        }
        String v = lines.get(0);
        int comma = v.indexOf(',');
        String first = (comma < 0 ? v : v.substring(0, comma)).trim();
        if (first.isEmpty() || !first.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        return first.length() > 12 ? 999_999_999_999L : Long.parseLong(first);
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    private static List<String> fieldNames(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
