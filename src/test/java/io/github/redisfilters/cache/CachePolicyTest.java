package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CachePolicyTest {
    static final long NOW = 1_800_000_000_000L;
    static final CachePolicy.RequestFacts GET = request("GET", false, false, null, false);

    static CachePolicy.RequestFacts request(String method, boolean auth, boolean session, String cacheControl,
            boolean pragmaNoCache) {
        return new CachePolicy.RequestFacts(method, auth, session,
                CacheControl.parse(cacheControl == null ? List.of() : List.of(cacheControl)), pragmaNoCache);
    }

    static Function<String, List<String>> headers(String... pairs) {
        Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            m.computeIfAbsent(pairs[i], k -> new ArrayList<>()).add(pairs[i + 1]);
        }
        return n -> m.getOrDefault(n, List.of());
    }

    static CachePolicy.StoreDecision standard(int status, String... headerPairs) {
        return CachePolicy.storeDecision(CacheMode.STANDARD, Duration.ZERO, Duration.ZERO, Duration.ZERO, GET, status,
                headers(headerPairs), NOW);
    }

    static CachePolicy.StoreDecision ttl(CachePolicy.RequestFacts req, int status, String... headerPairs) {
        return CachePolicy.storeDecision(CacheMode.TTL, Duration.ofMinutes(5), Duration.ZERO, Duration.ZERO, req,
                status, headers(headerPairs), NOW);
    }

    static CacheEntry entry(CachePolicy.StoreDecision d, String... headerPairs) {
        List<CacheEntry.Header> hs = new ArrayList<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            hs.add(new CacheEntry.Header(headerPairs[i], headerPairs[i + 1]));
        }
        return new CacheEntry(200, NOW, d.initialAgeSeconds(), d.freshnessMillis(), d.swrMillis(), d.sieMillis(),
                d.mustRevalidate(), hs, new byte[0]);
    }

    @Nested
    class Section4_2_1_CalculatingFreshnessLifetime {
        @Test
        void sMaxAgeWinsOverMaxAgeForASharedCache() {
            assertThat(standard(200, "Cache-Control", "max-age=10, s-maxage=60").freshnessMillis()).isEqualTo(60_000);
        }

        @Test
        void maxAgeWinsOverExpires() {
            assertThat(standard(200, "Cache-Control", "max-age=10", "Expires", CachePolicy.formatDate(NOW + 99_000))
                    .freshnessMillis()).isEqualTo(10_000);
        }

        @Test
        void expiresIsRelativeToDate() {
            CachePolicy.StoreDecision d = standard(200, "Date", CachePolicy.formatDate(NOW),
                    "Expires", CachePolicy.formatDate(NOW + 30_000));
            assertThat(d.freshnessMillis()).isEqualTo(30_000);
        }

        @Test
        void invalidExpiresMeansAlreadyExpired() {
            assertThat(standard(200, "Expires", "0").skipReason()).isEqualTo("not-fresh");
        }

        @Test
        void heuristicIsTenPercentOfLastModifiedAgeCappedAtOneHour() {
            assertThat(standard(200, "Date", CachePolicy.formatDate(NOW), "Last-Modified",
                    CachePolicy.formatDate(NOW - 100_000)).freshnessMillis()).isEqualTo(10_000);
            assertThat(standard(200, "Date", CachePolicy.formatDate(NOW), "Last-Modified",
                    CachePolicy.formatDate(NOW - 365L * 86_400_000)).freshnessMillis())
                    .isEqualTo(CachePolicy.HEURISTIC_CAP_MILLIS);
        }

        @Test
        void withoutAnyFreshnessInformationNothingIsStored() {
            assertThat(standard(200).store()).isFalse();
        }

        @Test
        void ttlModeUsesTheRuleTtlWhateverTheOriginSays() {
            CachePolicy.StoreDecision d = ttl(GET, 200, "Cache-Control", "max-age=1");
            assertThat(d.store()).isTrue();
            assertThat(d.freshnessMillis()).isEqualTo(300_000);
        }
    }

    @Nested
    class Section4_2_3_CalculatingAge {
        @Test
        void initialAgeIsTheLargerOfAgeHeaderAndApparentAge() {
            assertThat(standard(200, "Cache-Control", "max-age=100", "Age", "7").initialAgeSeconds()).isEqualTo(7);
            assertThat(standard(200, "Cache-Control", "max-age=100", "Age", "7", "Date",
                    CachePolicy.formatDate(NOW - 20_000)).initialAgeSeconds()).isEqualTo(20);
        }

        @Test
        void ageGrowsWithTimeAndEndsFreshness() {
            CacheEntry e = entry(standard(200, "Cache-Control", "max-age=100", "Age", "40"));
            assertThat(e.ageSeconds(NOW + 10_000)).isEqualTo(50);
            assertThat(CachePolicy.reuse(e, NOW + 59_000, CacheMode.STANDARD, GET)).isEqualTo(CachePolicy.Reuse.FRESH);
            assertThat(CachePolicy.reuse(e, NOW + 61_000, CacheMode.STANDARD, GET))
                    .as("stale: used only if the origin cannot be reached").isEqualTo(CachePolicy.Reuse.STALE_IF_DISCONNECTED);
            assertThat(CachePolicy.reuse(e, NOW + 61_000, CacheMode.TTL, GET)).isEqualTo(CachePolicy.Reuse.UNUSABLE);
        }
    }

    @Nested
    class Section3_StoringResponses {
        @ParameterizedTest
        @ValueSource(ints = {200, 203, 204, 300, 301, 404, 405, 410, 414, 501})
        void heuristicallyCacheableStatusesAreStored(int status) {
            assertThat(ttl(GET, status).store()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(ints = {201, 202, 206, 302, 303, 304, 307, 308, 400, 401, 403, 500, 502, 503})
        void otherStatusesAreNot(int status) {
            assertThat(ttl(GET, status).skipReason()).isEqualTo("status");
        }

        @ParameterizedTest
        @ValueSource(strings = {"no-store", "private", "no-cache", "max-age=60, no-store", "Private"})
        void originRestrictionsApplyInBothModes(String cc) {
            assertThat(ttl(GET, 200, "Cache-Control", cc).store()).isFalse();
            assertThat(standard(200, "Cache-Control", "max-age=60, " + cc).store()).isFalse();
        }

        @Test
        void qualifiedPrivateAndNoCacheOnlyWithholdTheNamedFields() {
            CachePolicy.StoreDecision d = standard(200, "Cache-Control", "max-age=60, private=\"X-User\", no-cache=\"X-Debug\"");
            assertThat(d.store()).isTrue();
            assertThat(d.strippedHeaders()).containsExactlyInAnyOrder("x-user", "x-debug");
        }

        @Test
        void setCookieIsNeverShared() {
            assertThat(ttl(GET, 200, "Set-Cookie", "a=b").skipReason()).isEqualTo("set-cookie");
            assertThat(standard(200, "Cache-Control", "public, max-age=60", "Set-Cookie", "a=b").store()).isFalse();
        }

        @Test
        void varyStarIsNeverStored() {
            assertThat(ttl(GET, 200, "Vary", "Accept, *").skipReason()).isEqualTo("vary-star");
        }

        @Test
        void requestNoStoreIsHonouredInStandardModeOnly() {
            CachePolicy.RequestFacts noStore = request("GET", false, false, "no-store", false);
            assertThat(CachePolicy.storeDecision(CacheMode.STANDARD, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                    noStore, 200, headers("Cache-Control", "max-age=60"), NOW).store()).isFalse();
            assertThat(ttl(noStore, 200).store()).isTrue();
        }

        @Test
        void headAndOtherMethodsAreNotStored() {
            assertThat(ttl(request("HEAD", false, false, null, false), 200).skipReason()).isEqualTo("method");
        }
    }

    @Nested
    class Section3_5_StoringResponsesToAuthenticatedRequests {
        final CachePolicy.RequestFacts withAuthorization = request("GET", true, false, null, false);

        @Test
        void bypassedUnlessSharingIsAllowed() {
            assertThat(CachePolicy.bypassReason(withAuthorization, false)).isEqualTo("authorization");
            assertThat(CachePolicy.bypassReason(request("GET", false, true, null, false), false)).isEqualTo("session");
            assertThat(CachePolicy.bypassReason(withAuthorization, true)).isNull();
        }

        @Test
        void evenWhenAllowedOnlyExplicitlySharedResponsesAreStored() {
            assertThat(ttl(withAuthorization, 200).skipReason()).isEqualTo("authorization");
            for (String cc : List.of("public", "s-maxage=60", "must-revalidate")) {
                assertThat(ttl(withAuthorization, 200, "Cache-Control", cc).store()).as(cc).isTrue();
            }
        }
    }

    @Nested
    class Section5_2_1_RequestDirectives {
        final CacheEntry fresh = entry(standard(200, "Cache-Control", "max-age=100"));

        @Test
        void noCacheAndPragmaForbidReuseInStandardMode() {
            assertThat(CachePolicy.reuse(fresh, NOW, CacheMode.STANDARD, request("GET", false, false, "no-cache", false)))
                    .isEqualTo(CachePolicy.Reuse.UNUSABLE);
            assertThat(CachePolicy.reuse(fresh, NOW, CacheMode.STANDARD, request("GET", false, false, null, true)))
                    .isEqualTo(CachePolicy.Reuse.UNUSABLE);
        }

        @Test
        void onlyIfCachedIsAnsweredWithoutTheOriginInStandardModeOnly() {
            CachePolicy.RequestFacts onlyIfCached = request("GET", false, false, "only-if-cached", false);
            assertThat(CachePolicy.onlyIfCached(CacheMode.STANDARD, onlyIfCached)).isTrue();
            assertThat(CachePolicy.onlyIfCached(CacheMode.TTL, onlyIfCached)).isFalse();
            assertThat(CachePolicy.onlyIfCached(CacheMode.STANDARD, GET)).isFalse();
        }

        @Test
        void ttlModeIgnoresThemSoClientsCannotForceOriginRenders() {
            assertThat(CachePolicy.reuse(fresh, NOW, CacheMode.TTL, request("GET", false, false, "no-cache", true)))
                    .isEqualTo(CachePolicy.Reuse.FRESH);
        }

        @Test
        void maxAgeMinFreshAndMaxStale() {
            assertThat(CachePolicy.reuse(fresh, NOW + 30_000, CacheMode.STANDARD,
                    request("GET", false, false, "max-age=10", false))).isEqualTo(CachePolicy.Reuse.UNUSABLE);
            assertThat(CachePolicy.reuse(fresh, NOW + 30_000, CacheMode.STANDARD,
                    request("GET", false, false, "min-fresh=80", false))).isEqualTo(CachePolicy.Reuse.UNUSABLE);
            assertThat(CachePolicy.reuse(fresh, NOW + 130_000, CacheMode.STANDARD,
                    request("GET", false, false, "max-stale=60", false))).isEqualTo(CachePolicy.Reuse.STALE_ACCEPTED);
            assertThat(CachePolicy.reuse(fresh, NOW + 130_000, CacheMode.STANDARD,
                    request("GET", false, false, "max-stale=10", false))).isEqualTo(CachePolicy.Reuse.UNUSABLE);
        }
    }

    @Nested
    class Rfc5861_StaleContent {
        @Test
        void staleWhileRevalidateThenStaleIfErrorThenNothing() {
            CacheEntry e = entry(standard(200, "Cache-Control", "max-age=10, stale-while-revalidate=20, stale-if-error=60"));
            assertThat(CachePolicy.reuse(e, NOW + 15_000, CacheMode.STANDARD, GET))
                    .isEqualTo(CachePolicy.Reuse.STALE_WHILE_REVALIDATE);
            assertThat(CachePolicy.reuse(e, NOW + 50_000, CacheMode.STANDARD, GET))
                    .isEqualTo(CachePolicy.Reuse.STALE_IF_ERROR);
            assertThat(CachePolicy.reuse(e, NOW + 71_000, CacheMode.STANDARD, GET))
                    .isEqualTo(CachePolicy.Reuse.STALE_IF_DISCONNECTED);
        }

        @Test
        void mustRevalidateForbidsServingStale() {
            CacheEntry e = entry(standard(200, "Cache-Control", "max-age=10, must-revalidate, stale-if-error=60"));
            assertThat(CachePolicy.reuse(e, NOW + 15_000, CacheMode.STANDARD,
                    request("GET", false, false, "max-stale", false))).isEqualTo(CachePolicy.Reuse.UNUSABLE);
        }

        @Test
        void withoutStaleIfErrorOnlyAnUnreachableOriginMayBeReplaced() {
            assertThat(List.of(500, 502, 503, 504)).allMatch(CachePolicy::isError);
            assertThat(List.of(502, 504)).allMatch(CachePolicy::isUnreachable);
            assertThat(List.of(200, 404, 500, 503)).noneMatch(CachePolicy::isUnreachable);
        }

        @Test
        void retentionCoversTheLongestGrace() {
            assertThat(standard(200, "Cache-Control", "max-age=10, stale-if-error=60").retentionMillis()).isEqualTo(70_000);
        }
    }

    @Nested
    class Rfc9110_13_ConditionalRequests {
        final CacheEntry e = entry(standard(200, "Cache-Control", "max-age=100"), "ETag", "\"v1\"",
                "Last-Modified", CachePolicy.formatDate(NOW - 60_000));

        @Test
        void aStored200WithAValidatorCanBeValidatedByTheOrigin() {
            assertThat(CachePolicy.validatable(e)).isTrue();
            assertThat(CachePolicy.validatable(entry(standard(200, "Cache-Control", "max-age=100"), "ETag", "\"v1\""))).isTrue();
            assertThat(CachePolicy.validatable(entry(standard(200, "Cache-Control", "max-age=100")))).isFalse();
            CacheEntry notFound = new CacheEntry(404, NOW, 0, 100_000, 0, 0, false,
                    List.of(new CacheEntry.Header("ETag", "\"v1\"")), new byte[0]);
            assertThat(CachePolicy.validatable(notFound)).isFalse();
        }

        @Test
        void ifNoneMatchUsesWeakComparison() {
            assertThat(CachePolicy.notModified(e, List.of("W/\"v1\""), null)).isTrue();
            assertThat(CachePolicy.notModified(e, List.of("\"x\", \"v1\""), null)).isTrue();
            assertThat(CachePolicy.notModified(e, List.of("*"), null)).isTrue();
            assertThat(CachePolicy.notModified(e, List.of("\"v2\""), CachePolicy.formatDate(NOW))).isFalse();
        }

        @Test
        void ifModifiedSinceComparesLastModified() {
            assertThat(CachePolicy.notModified(e, List.of(), CachePolicy.formatDate(NOW - 30_000))).isTrue();
            assertThat(CachePolicy.notModified(e, List.of(), CachePolicy.formatDate(NOW - 90_000))).isFalse();
            assertThat(CachePolicy.notModified(e, List.of(), "yesterday")).isFalse();
        }
    }

    @Nested
    class Section3_AnyFinalStatusWithExplicitFreshness {
        @ParameterizedTest
        @ValueSource(ints = {299, 302, 303, 307, 308, 400, 499, 500, 502, 503, 504, 599})
        void isStoredInStandardMode(int status) {
            assertThat(standard(status, "Cache-Control", "max-age=100000").store()).isTrue();
            assertThat(standard(status).store()).as("no explicit freshness: not heuristically cacheable").isFalse();
        }

        @Test
        void neverPartialOrNotModifiedAndTtlModeKeepsItsList() {
            assertThat(standard(206, "Cache-Control", "max-age=100").skipReason()).isEqualTo("status");
            assertThat(standard(304, "Cache-Control", "max-age=100").skipReason()).isEqualTo("status");
            assertThat(ttl(GET, 302, "Cache-Control", "max-age=100").skipReason()).isEqualTo("status");
        }

        @Test
        void mustUnderstandStoresOnlyStatusesTheCacheUnderstands() {
            assertThat(standard(599, "Cache-Control", "max-age=100, must-understand").skipReason()).isEqualTo("must-understand");
            assertThat(standard(200, "Cache-Control", "max-age=100, must-understand, no-store").store()).isFalse();
        }
    }

    @Nested
    class Rfc9213_CdnCacheControl {
        @Test
        void aValidCdnCacheControlReplacesCacheControlAndExpires() {
            assertThat(standard(200, "Cache-Control", "no-store", "CDN-Cache-Control", "max-age=10000").freshnessMillis())
                    .isEqualTo(10_000_000);
            assertThat(standard(200, "Cache-Control", "max-age=3600", "CDN-Cache-Control", "max-age=1").freshnessMillis())
                    .isEqualTo(1000);
            assertThat(standard(200, "Cache-Control", "max-age=10000", "CDN-Cache-Control", "private").store()).isFalse();
            assertThat(standard(200, "Cache-Control", "max-age=10000", "CDN-Cache-Control", "no-store").store()).isFalse();
            assertThat(standard(200, "CDN-Cache-Control", "max-age=0", "Expires", CachePolicy.formatDate(NOW + 100_000))
                    .store()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"max-age=10000, &&&&&", "max-age=\"10000\"", "max-age =100", "max-age= 100", "max-age=1.5"})
        void anInvalidStructuredFieldIsIgnored(String value) {
            assertThat(CdnCacheControl.parse(List.of(value))).as(value).isNull();
            assertThat(standard(200, "Cache-Control", "no-store", "CDN-Cache-Control", value).store()).isFalse();
        }

        @Test
        void extensionsAndParametersAreAccepted() {
            assertThat(CdnCacheControl.parse(List.of("foobar, max-age=3600")).seconds("max-age")).isEqualTo(3600);
            assertThat(CdnCacheControl.parse(List.of("max-age=60;x=1")).seconds("max-age")).isEqualTo(60);
        }
    }

    @Nested
    class StrictParsing {
        @Test
        void ageIsTheFirstMemberOfTheFirstLineAndOnlyDigits() {
            assertThat(CachePolicy.parseAge(List.of("7200, 0"))).isEqualTo(7200);
            assertThat(CachePolicy.parseAge(List.of("0, 7200"))).isZero();
            assertThat(CachePolicy.parseAge(List.of("7200", "0"))).isEqualTo(7200);
            assertThat(CachePolicy.parseAge(List.of("-7200"))).isZero();
            assertThat(CachePolicy.parseAge(List.of("7200.0"))).isZero();
            assertThat(CachePolicy.parseAge(List.of("abc"))).isZero();
            assertThat(CachePolicy.parseAge(List.of("99999999999999999999"))).isGreaterThan(2_147_483_648L);
        }

        @Test
        void httpDatesInTheThreeFormsOnly() {
            long t = HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW);
            assertThat(t).isEqualTo(784111777000L);
            assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).isEqualTo(t);
            assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994", NOW)).isEqualTo(t);
            for (String bad : List.of("Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC",
                    "Sun 06 Nov 1994 08:49:37 GMT", "Sun,  06 Nov 1994 08:49:37 GMT", "Sun, 06-Nov-1994 08:49:37 GMT",
                    "Sun, 06 Nov 1994 08.49.37 GMT", "0", "Sun, 31 Feb 1994 08:49:37 GMT")) {
                assertThat(HttpDates.parse(bad, NOW)).as(bad).isEqualTo(-1);
            }
            assertThat(HttpDates.parse(HttpDates.format(NOW), NOW)).isEqualTo(NOW);
        }

        @Test
        void anInvalidOrDuplicatedExpiresMeansAlreadyExpired() {
            String future = CachePolicy.formatDate(NOW + 100_000);
            assertThat(standard(200, "Expires", future).freshnessMillis()).isEqualTo(100_000);
            assertThat(standard(200, "Expires", future, "Expires", future).store()).isFalse();
            assertThat(standard(200, "Expires", "Sun, 06 Nov 2099 8:49:37 GMT").store()).isFalse();
        }
    }
}
