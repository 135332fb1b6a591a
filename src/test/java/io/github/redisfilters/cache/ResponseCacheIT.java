package io.github.redisfilters.cache;

import static io.github.redisfilters.cache.CacheTestApp.calls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.MutableClock;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/** The cache's behaviour suite, named after RFC 9111 (and RFC 5861 / RFC 9110) sections, on Jetty and Tomcat. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ResponseCacheIT {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static RedisProcess redis;
    static ServletContainer app;
    static final MutableClock clock = new MutableClock(1_800_000_000_000L);

    @Parameter
    ContainerKind kind;

    @BeforeParameterizedClassInvocation
    static void start(ContainerKind kind) {
        redis = REDIS.process();
        ResponseCacheConfig config = ResponseCacheConfig.builder()
                .rules(ResponseCacheConfig.Rule.ttl("/ttl/**", Duration.ofSeconds(60)),
                        ResponseCacheConfig.Rule.standard("/std/**"),
                        ResponseCacheConfig.Rule.ttl("/async/**", Duration.ofSeconds(60)),
                        ResponseCacheConfig.Rule.ttl("/big/**", Duration.ofSeconds(60)))
                .invalidations(ResponseCacheConfig.Invalidation.of("/ttl/products", "/ttl/products*"))
                .maxEntrySize(64 * 1024)
                .clock(clock)
                .build();
        app = kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", redis.url());
            CacheTestApp.install(ctx, config);
        });
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        app.close();
    }

    @BeforeEach
    void clean() {
        CacheTestApp.reset();
    }

    static HttpResponse<String> get(String path, String... headers) {
        return Http.get(app.uri(path), headers);
    }

    /** Waits until the store after a miss is done (a miss answers the client first, then stores). */
    static void settled(String urlKey) {
        try (Jedis j = redis.admin()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !j.exists("rsf:cache:{" + urlKey + "}#lock"));
        }
    }

    static String xCache(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache").orElse(null);
    }

    static void origin(CacheTestApp.Origin o) {
        CacheTestApp.origin = o;
    }

    @Nested
    class Rfc9111_4_2_Freshness {
        @Test
        void ttlModeStoresThenHitsUntilTheTtlEnds() {
            HttpResponse<String> first = get("/ttl/a");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(xCache(first)).isEqualTo("MISS");
            HttpResponse<String> second = get("/ttl/a");
            assertThat(xCache(second)).isEqualTo("HIT");
            assertThat(second.body()).isEqualTo("body-1");
            assertThat(second.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            clock.advanceSeconds(59);
            assertThat(xCache(get("/ttl/a"))).isEqualTo("HIT");
            clock.advanceSeconds(2);
            HttpResponse<String> expired = get("/ttl/a");
            assertThat(xCache(expired)).isEqualTo("MISS");
            assertThat(expired.body()).isEqualTo("body-2");
        }

        @Test
        void standardModeFreshnessComesFromSMaxAgeMaxAgeAndExpires() {
            origin((req, resp, n) -> {
                String p = req.getPathInfo();
                if (p.equals("/max-age")) {
                    resp.setHeader("Cache-Control", "max-age=10");
                } else if (p.equals("/s-maxage")) {
                    resp.setHeader("Cache-Control", "max-age=1, s-maxage=20");
                } else if (p.equals("/expires")) {
                    resp.setDateHeader("Date", clock.millis());
                    resp.setDateHeader("Expires", clock.millis() + 30_000);
                }
                resp.getWriter().print(p + "-" + n);
            });
            for (String p : new String[] {"/std/max-age", "/std/s-maxage", "/std/expires", "/std/none"}) {
                assertThat(xCache(get(p))).as(p).isEqualTo("MISS");
            }
            assertThat(xCache(get("/std/max-age"))).isEqualTo("HIT");
            assertThat(xCache(get("/std/s-maxage"))).isEqualTo("HIT");
            assertThat(xCache(get("/std/expires"))).isEqualTo("HIT");
            assertThat(xCache(get("/std/none"))).as("no freshness information: not stored").isEqualTo("MISS");
            clock.advanceSeconds(15);
            assertThat(xCache(get("/std/max-age"))).isEqualTo("MISS");
            assertThat(xCache(get("/std/s-maxage"))).isEqualTo("HIT");
            assertThat(xCache(get("/std/expires"))).isEqualTo("HIT");
            clock.advanceSeconds(16);
            assertThat(xCache(get("/std/s-maxage"))).isEqualTo("MISS");
            assertThat(xCache(get("/std/expires"))).isEqualTo("MISS");
        }
    }

    @Nested
    class Rfc9111_4_2_3_Age {
        @Test
        void ageIsSentOnHitsAndIncludesTheUpstreamAge() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", "max-age=60");
                resp.setHeader("Age", "5");
                resp.getWriter().print("aged");
            });
            get("/std/aged");
            assertThat(get("/std/aged").headers().firstValue("Age")).hasValue("5");
            clock.advanceSeconds(10);
            assertThat(get("/std/aged").headers().firstValue("Age")).hasValue("15");
            clock.advanceSeconds(46);
            assertThat(xCache(get("/std/aged"))).as("5 + 56 > 60").isEqualTo("MISS");
        }
    }

    @Nested
    class Rfc9111_4_1_Vary {
        @Test
        void variantsAreKeptApartByTheNominatedRequestHeaders() {
            origin((req, resp, n) -> {
                resp.setHeader("Vary", "Accept-Language");
                resp.getWriter().print("lang-" + req.getHeader("Accept-Language") + "-" + n);
            });
            assertThat(get("/ttl/v", "Accept-Language", "en").body()).isEqualTo("lang-en-1");
            assertThat(get("/ttl/v", "Accept-Language", "fr").body()).isEqualTo("lang-fr-2");
            HttpResponse<String> en = get("/ttl/v", "Accept-Language", "en");
            assertThat(xCache(en)).isEqualTo("HIT");
            assertThat(en.body()).isEqualTo("lang-en-1");
            HttpResponse<String> fr = get("/ttl/v", "Accept-Language", "fr");
            assertThat(xCache(fr)).isEqualTo("HIT");
            assertThat(fr.body()).isEqualTo("lang-fr-2");
            assertThat(xCache(get("/ttl/v"))).isEqualTo("MISS");
        }

        @Test
        void varyStarIsNeverStored() {
            origin((req, resp, n) -> {
                resp.setHeader("Vary", "*");
                resp.getWriter().print("star");
            });
            get("/ttl/star");
            assertThat(xCache(get("/ttl/star"))).isEqualTo("MISS");
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Nested
    class Rfc9111_3_StoringResponses {
        @Test
        void noStorePrivateAndNoCacheResponsesAreNotStored() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", req.getParameter("cc"));
                resp.getWriter().print("x");
            });
            for (String cc : new String[] {"no-store", "private", "no-cache", "public, no-store"}) {
                get("/ttl/cc?cc=" + cc.replace(" ", "%20"));
                assertThat(xCache(get("/ttl/cc?cc=" + cc.replace(" ", "%20")))).as(cc).isEqualTo("MISS");
                get("/std/cc?cc=max-age=60," + cc.replace(" ", "%20"));
                assertThat(xCache(get("/std/cc?cc=max-age=60," + cc.replace(" ", "%20")))).as(cc).isEqualTo("MISS");
            }
        }

        @Test
        void responsesSettingCookiesAreNeverShared() {
            origin((req, resp, n) -> {
                resp.addCookie(new jakarta.servlet.http.Cookie("pref", "n" + n));
                resp.getWriter().print("cookie-" + n);
            });
            get("/ttl/cookie");
            HttpResponse<String> second = get("/ttl/cookie");
            assertThat(xCache(second)).isEqualTo("MISS");
            assertThat(second.body()).isEqualTo("cookie-2");
        }

        @Test
        void onlyHeuristicallyCacheableStatusesAreStored() {
            origin((req, resp, n) -> {
                resp.setStatus(Integer.parseInt(req.getParameter("s")));
                resp.getWriter().print("status-" + n);
            });
            for (int s : new int[] {404, 410, 301}) {
                get("/ttl/status?s=" + s);
                HttpResponse<String> r = get("/ttl/status?s=" + s);
                assertThat(xCache(r)).as("status " + s).isEqualTo("HIT");
                assertThat(r.statusCode()).isEqualTo(s);
            }
            for (int s : new int[] {201, 302, 500, 503}) {
                get("/ttl/status?s=" + s);
                assertThat(xCache(get("/ttl/status?s=" + s))).as("status " + s).isEqualTo("MISS");
            }
        }

        @Test
        void bodiesLargerThanMaxEntrySizePassThroughIntactAndUnstored() {
            String big = "x".repeat(100_000);
            origin((req, resp, n) -> resp.getOutputStream().write(big.getBytes()));
            HttpResponse<String> r = get("/big/one");
            assertThat(r.body()).isEqualTo(big);
            assertThat(xCache(get("/big/one"))).isEqualTo("MISS");
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Nested
    class ConformanceDetails {
        @Test
        void anyFinalStatusWithExplicitFreshnessIsStoredInStandardMode() {
            origin((req, resp, n) -> {
                resp.setStatus(req.getPathInfo().equals("/s302") ? 302 : 500);
                resp.setHeader("Location", "/elsewhere");
                resp.setHeader("Cache-Control", "max-age=100000");
                resp.getWriter().print("s" + n);
            });
            for (String p : new String[] {"/std/s302", "/std/s500"}) {
                assertThat(xCache(get(p))).isEqualTo("MISS");
                settled(p);
                HttpResponse<String> again = get(p);
                assertThat(xCache(again)).as(p).isEqualTo("HIT");
                assertThat(again.statusCode()).isEqualTo(p.endsWith("302") ? 302 : 500);
            }
        }

        @Test
        void cdnCacheControlWinsOverCacheControl() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", "no-store");
                resp.setHeader("CDN-Cache-Control", req.getPathInfo().equals("/cdn-ok") ? "max-age=600" : "max-age=\"600\"");
                resp.getWriter().print("c" + n);
            });
            get("/std/cdn-ok");
            settled("/std/cdn-ok");
            assertThat(xCache(get("/std/cdn-ok"))).isEqualTo("HIT");
            get("/std/cdn-invalid");
            assertThat(xCache(get("/std/cdn-invalid"))).as("an invalid field is ignored: no-store applies").isEqualTo("MISS");
        }

        @Test
        void aHitHasOneDateTheStoredOneAndKeepsSetCookie2() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", "max-age=600");
                resp.setDateHeader("Date", clock.millis() - 5000);
                resp.setHeader("Set-Cookie2", "a=c");
                resp.getWriter().print("d" + n);
            });
            HttpResponse<String> first = get("/std/date");
            settled("/std/date");
            HttpResponse<String> hit = get("/std/date");
            assertThat(xCache(hit)).isEqualTo("HIT");
            assertThat(hit.headers().allValues("Date")).hasSize(1).isEqualTo(first.headers().allValues("Date"));
            assertThat(hit.headers().firstValue("Set-Cookie2")).hasValue("a=c");
        }

        @Test
        void strictAgeAndExpiresParsing() {
            origin((req, resp, n) -> {
                switch (req.getPathInfo()) {
                    case "/age-suffix" -> {
                        resp.setHeader("Cache-Control", "max-age=3600");
                        resp.setHeader("Age", "7200, 0");
                    }
                    case "/two-expires" -> {
                        resp.addHeader("Expires", CachePolicy.formatDate(clock.millis() + 100_000));
                        resp.addHeader("Expires", CachePolicy.formatDate(clock.millis() + 100_000));
                    }
                    default -> resp.setHeader("Expires", "Thu, 01 Dec 2099 1:00:00 GMT");
                }
                resp.getWriter().print("p" + n);
            });
            for (String p : new String[] {"/std/age-suffix", "/std/two-expires", "/std/one-digit-hour"}) {
                get(p);
                assertThat(xCache(get(p))).as(p).isEqualTo("MISS");
            }
        }

        @Test
        void aRangeIsAnsweredFromAStoredCompleteResponse() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", "max-age=600");
                resp.setHeader("ETag", "\"r1\"");
                resp.getWriter().print("0123456789");
            });
            get("/std/range");
            settled("/std/range");
            HttpResponse<String> part = get("/std/range", "Range", "bytes=2-4");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo("234");
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 2-4/10");
            assertThat(xCache(part)).isEqualTo("HIT");
            assertThat(get("/std/range", "Range", "bytes=-3").body()).isEqualTo("789");
            assertThat(get("/std/range", "Range", "bytes=2-4", "If-Range", "\"other\"").statusCode())
                    .as("If-Range mismatch: the whole response").isEqualTo(200);
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Nested
    class GraceRevalidationAndUnreachableOrigins {
        void validatingOrigin() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", "max-age=10");
                resp.setHeader("ETag", "\"v1\"");
                if ("\"v1\"".equals(req.getHeader("If-None-Match"))) {
                    resp.setHeader("X-Updated", "yes");
                    resp.setStatus(304);
                    return;
                }
                resp.setHeader("X-Updated", "no");
                resp.getWriter().print("full-" + n);
            });
        }

        @Test
        void aStaleEntryIsKeptAndRevalidatedAlsoForAsyncOriginsAndA304UpdatesIt() {
            validatingOrigin();
            for (String p : new String[] {"/std/sync-v", "/std/async/v"}) {
                CacheTestApp.reset();
                validatingOrigin();
                assertThat(xCache(get(p))).isEqualTo("MISS");
                settled(p);
                clock.advanceSeconds(20); // stale: kept for the grace (1 h by default), with its validator
                HttpResponse<String> revalidated = get(p);
                assertThat(revalidated.statusCode()).as(p).isEqualTo(200);
                assertThat(revalidated.body()).as("the stored body, confirmed by a 304").isEqualTo("full-1");
                assertThat(revalidated.headers().firstValue("X-Updated")).as("headers updated from the 304").hasValue("yes");
                assertThat(calls.get()).isEqualTo(2);
                settled(p);
                HttpResponse<String> hit = get(p);
                assertThat(xCache(hit)).isEqualTo("HIT");
                assertThat(hit.headers().firstValue("X-Updated")).hasValue("yes");
                assertThat(calls.get()).isEqualTo(2);
            }
        }

        @Test
        void aRenderBesideAStaleEntryIsNotStoredOverAnInvalidationThatCameDuringIt() throws Exception {
            String p = "/std/stale-late";
            java.util.concurrent.CountDownLatch rendering = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", "max-age=10");
                resp.getWriter().print("v" + n);
                if (n == 2) {
                    rendering.countDown();
                    try {
                        assertThat(go.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            get(p);
            settled(p);
            clock.advanceSeconds(20); // stale, no validator: the next request renders, the stale entry standing by
            long refused = cacheMetrics().get("store.refused");
            java.util.concurrent.CompletableFuture<HttpResponse<String>> held =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> get(p));
            assertThat(rendering.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(ResponseCache.from(app.servletContext()).purgeUrl(p)).isTrue();
            go.countDown();
            assertThat(held.get(20, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("v2");
            await().atMost(Duration.ofSeconds(10)).until(() -> cacheMetrics().get("store.refused") == refused + 1);
            HttpResponse<String> next = get(p);
            assertThat(xCache(next)).as("the render from before the purge was not kept").isEqualTo("MISS");
            assertThat(next.body()).isEqualTo("v3");
        }

        /** The cache filter's counters. */
        io.github.redisfilters.internal.metrics.FilterMetrics cacheMetrics() {
            java.util.concurrent.atomic.AtomicReference<io.github.redisfilters.internal.metrics.FilterMetrics> found =
                    new java.util.concurrent.atomic.AtomicReference<>();
            io.github.redisfilters.internal.metrics.MetricsRegistry registry =
                    io.github.redisfilters.internal.metrics.MetricsRegistry.of(app.servletContext());
            io.github.redisfilters.internal.metrics.MetricsRegistry.Listener listener = new io.github.redisfilters.internal.metrics.MetricsRegistry.Listener() {
                @Override
                public void filterAdded(io.github.redisfilters.internal.metrics.FilterMetrics m) {
                    if (m.kind().equals(ResponseCacheFilter.KIND)) {
                        found.set(m);
                    }
                }
            };
            registry.addListener(listener); // told at once about the filters already started
            registry.removeListener(listener);
            return found.get();
        }

        @Test
        void aStaleEntryStandsInForAnUnreachableOriginUnlessItMustBeRevalidated() {
            for (String cc : new String[] {"max-age=10", "max-age=10, must-revalidate"}) {
                CacheTestApp.reset();
                String p = cc.contains("must") ? "/std/async/down-mr" : "/std/async/down";
                origin((req, resp, n) -> {
                    if (n > 1) {
                        resp.setStatus(502); // what a proxy servlet answers when it cannot reach its backend
                        return;
                    }
                    resp.setHeader("Cache-Control", cc);
                    resp.getWriter().print("ok-" + n);
                });
                get(p);
                settled(p);
                clock.advanceSeconds(20);
                HttpResponse<String> r = get(p);
                if (cc.contains("must")) {
                    assertThat(r.statusCode()).as(cc).isEqualTo(502);
                } else {
                    assertThat(r.statusCode()).as(cc).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("ok-1");
                    assertThat(xCache(r)).isEqualTo("STALE");
                }
            }
        }
    }

    @Nested
    class Rfc9111_3_5_AuthenticatedRequests {
        @Test
        void personalisedResponsesNeverReachAnotherUser() {
            origin((req, resp, n) -> {
                String user = req.getHeader("Authorization");
                if (user == null && req.getCookies() != null) {
                    user = req.getCookies()[0].getValue();
                }
                resp.getWriter().print("hello " + (user == null ? "anonymous" : user));
            });
            HttpResponse<String> alice = get("/ttl/me", "Authorization", "Bearer alice");
            assertThat(alice.body()).isEqualTo("hello Bearer alice");
            assertThat(xCache(alice)).isEqualTo("BYPASS");
            assertThat(get("/ttl/me").body()).isEqualTo("hello anonymous");
            HttpResponse<String> bob = get("/ttl/me", "Authorization", "Bearer bob");
            assertThat(bob.body()).isEqualTo("hello Bearer bob");
            HttpResponse<String> dave = get("/ttl/me", "Cookie", "SESSION=dave");
            assertThat(dave.body()).isEqualTo("hello dave");
            assertThat(xCache(dave)).isEqualTo("BYPASS");
            HttpResponse<String> carol = get("/ttl/me", "Cookie", "JSESSIONID=carol");
            assertThat(carol.body()).isEqualTo("hello carol");
            assertThat(xCache(carol)).isEqualTo("BYPASS");
            HttpResponse<String> anonymous = get("/ttl/me");
            assertThat(xCache(anonymous)).isEqualTo("HIT");
            assertThat(anonymous.body()).isEqualTo("hello anonymous");
        }
    }

    @Nested
    class Rfc9111_5_2_1_RequestDirectives {
        @Test
        void requestNoCacheGoesToTheOriginInStandardModeButNotInTtlMode() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", "max-age=60");
                resp.getWriter().print("v" + n);
            });
            get("/std/r");
            HttpResponse<String> reloaded = get("/std/r", "Cache-Control", "no-cache");
            assertThat(xCache(reloaded)).isEqualTo("MISS");
            assertThat(reloaded.body()).isEqualTo("v2");
            assertThat(get("/std/r").body()).as("the reload refreshed the entry").isEqualTo("v2");
            get("/ttl/r");
            assertThat(xCache(get("/ttl/r", "Cache-Control", "no-cache", "Pragma", "no-cache"))).isEqualTo("HIT");
        }

        @Test
        void onlyIfCachedAnswers504OnAMiss() {
            assertThat(get("/std/nothing", "Cache-Control", "only-if-cached").statusCode()).isEqualTo(504);
            assertThat(calls.get()).isZero();
        }
    }

    @Nested
    class Rfc9110_9_3_2_Head {
        @Test
        void headIsServedFromTheGetEntry() {
            String body = get("/ttl/h").body();
            HttpResponse<String> head = Http.method("HEAD", app.uri("/ttl/h"), null);
            assertThat(xCache(head)).isEqualTo("HIT");
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(body.length()));
            assertThat(calls.get()).isEqualTo(1);
        }

        @Test
        void aHeadMissDoesNotFillTheCache() {
            Http.method("HEAD", app.uri("/ttl/h2"), null);
            assertThat(xCache(get("/ttl/h2"))).isEqualTo("MISS");
        }
    }

    @Nested
    class Rfc9111_4_3_2_ConditionalRequests {
        @Test
        void ifNoneMatchWithTheGeneratedEtagGets304() {
            HttpResponse<String> first = get("/ttl/c");
            String etag = first.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> conditional = get("/ttl/c", "If-None-Match", etag);
            assertThat(conditional.statusCode()).isEqualTo(304);
            assertThat(conditional.body()).isEmpty();
            assertThat(conditional.headers().firstValue("ETag")).hasValue(etag);
            assertThat(get("/ttl/c", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
            assertThat(calls.get()).isEqualTo(1);
        }

        @Test
        void ifModifiedSinceIsAnsweredFromLastModified() {
            long lastModified = clock.millis() - 3_600_000;
            origin((req, resp, n) -> {
                resp.setDateHeader("Last-Modified", lastModified);
                resp.getWriter().print("lm");
            });
            HttpResponse<String> miss = get("/ttl/lm", "If-Modified-Since", CachePolicy.formatDate(lastModified));
            assertThat(miss.statusCode()).as("the cache answers even the filling request").isEqualTo(304);
            assertThat(get("/ttl/lm", "If-Modified-Since", CachePolicy.formatDate(lastModified)).statusCode())
                    .isEqualTo(304);
            assertThat(get("/ttl/lm", "If-Modified-Since", CachePolicy.formatDate(lastModified - 1000)).statusCode())
                    .isEqualTo(200);
        }
    }

    @Nested
    class Rfc9111_4_3_Validation {
        CacheTestApp.Origin validating(String cacheControl) {
            return (req, resp, n) -> {
                resp.setHeader("Cache-Control", cacheControl);
                resp.setHeader("ETag", "\"v1\"");
                if ("\"v1\"".equals(req.getHeader("If-None-Match"))) {
                    resp.setStatus(304);
                    return;
                }
                resp.getWriter().print("full-" + n);
            };
        }

        @Test
        void aStaleEntryIsValidatedWithTheOriginAndRefreshedBy304() {
            origin(validating("max-age=10, stale-while-revalidate=60"));
            get("/std/val");
            settled("/std/val");
            clock.advanceSeconds(20);
            HttpResponse<String> validated = get("/std/val");
            assertThat(validated.statusCode()).isEqualTo(200);
            assertThat(validated.body()).isEqualTo("full-1");
            settled("/std/val"); // stale-while-revalidate: validated in the background, after the answer
            assertThat(calls.get()).as("the origin was asked, and answered 304").isEqualTo(2);
            HttpResponse<String> fresh = get("/std/val");
            assertThat(xCache(fresh)).isEqualTo("HIT");
            assertThat(fresh.headers().firstValue("Age")).as("the 304 restarted its lifetime").hasValue("0");
            assertThat(calls.get()).isEqualTo(2);
        }

        @Test
        void aClientReloadIsValidatedRatherThanRendered() {
            origin(validating("max-age=60"));
            get("/std/reload");
            settled("/std/reload");
            HttpResponse<String> reload = get("/std/reload", "Cache-Control", "no-cache");
            assertThat(reload.statusCode()).isEqualTo(200);
            assertThat(reload.body()).isEqualTo("full-1");
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Nested
    class Rfc9111_4_4_Invalidation {
        @Test
        void unsafeRequestsInvalidateTheTargetLocationAndConfiguredPrefixes() {
            for (String p : new String[] {"/ttl/products", "/ttl/products?page=2", "/ttl/products/1", "/ttl/other"}) {
                get(p);
                assertThat(xCache(get(p))).as(p).isEqualTo("HIT");
            }
            origin((req, resp, n) -> {
                resp.setStatus(201);
                resp.setHeader("Location", req.getContextPath() + "/ttl/products/1");
            });
            assertThat(Http.post(app.uri("/ttl/products"), "{}").statusCode()).isEqualTo(201);
            CacheTestApp.reset();
            assertThat(xCache(get("/ttl/products"))).isEqualTo("MISS");
            assertThat(xCache(get("/ttl/products?page=2"))).isEqualTo("MISS");
            assertThat(xCache(get("/ttl/products/1"))).isEqualTo("MISS");
            assertThat(xCache(get("/ttl/other"))).isEqualTo("HIT");
        }

        @Test
        void locationOnAnotherHostAndFailedRequestsInvalidateNothing() {
            get("/ttl/x");
            get("/ttl/y");
            origin((req, resp, n) -> resp.setHeader("Content-Location", "http://evil.example/app/ttl/x"));
            Http.method("PUT", app.uri("/ttl/y-writer"), "{}");
            origin((req, resp, n) -> resp.sendError(500));
            Http.method("DELETE", app.uri("/ttl/y"), null);
            CacheTestApp.reset();
            assertThat(xCache(get("/ttl/x"))).isEqualTo("HIT");
            assertThat(xCache(get("/ttl/y"))).isEqualTo("HIT");
            origin((req, resp, n) -> resp.setStatus(204));
            Http.method("DELETE", app.uri("/ttl/y"), null);
            assertThat(xCache(get("/ttl/y"))).isEqualTo("MISS");
        }
    }

    @Nested
    class PurgeApi {
        @Test
        void purgeByTagPrefixAndUrl() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Tag", req.getPathInfo().equals("/t/1") ? "product-1, products" : "products");
                resp.getWriter().print("t" + n);
            });
            HttpResponse<String> tagged = get("/ttl/t/1");
            assertThat(tagged.headers().firstValue("Cache-Tag")).as("stripped before sending").isEmpty();
            get("/ttl/t/2");
            get("/ttl/u?a=1");
            settled("/ttl/t/1");
            settled("/ttl/t/2");
            settled("/ttl/u?a=1");
            ResponseCache cache = ResponseCache.from(app.servletContext());
            assertThat(cache.purgeTag("product-1")).isEqualTo(1);
            assertThat(xCache(get("/ttl/t/1"))).isEqualTo("MISS");
            assertThat(xCache(get("/ttl/t/2"))).isEqualTo("HIT");
            assertThat(cache.purgePrefix("/ttl/t/")).as("one generation advanced").isEqualTo(1);
            assertThat(xCache(get("/ttl/t/2"))).isEqualTo("MISS");
            assertThat(cache.purgeUrl("/ttl/u?a=1")).isTrue();
            assertThat(xCache(get("/ttl/u?a=1"))).isEqualTo("MISS");
        }
    }

    @Nested
    class Rfc5861_StaleContent {
        @Test
        void staleWhileRevalidateAnswersStaleAtOnceAndOneRequestRefreshesInTheBackground() {
            origin((req, resp, n) -> {
                resp.setHeader("Cache-Control", "max-age=1, stale-while-revalidate=60");
                resp.getWriter().print("swr-" + n);
            });
            get("/std/swr");
            settled("/std/swr");
            clock.advanceSeconds(10);
            try (Jedis j = redis.admin()) {
                j.set("rsf:cache:{/std/swr}#lock", "another-server"); // someone else is refreshing
                HttpResponse<String> stale = get("/std/swr");
                assertThat(xCache(stale)).isEqualTo("STALE");
                assertThat(stale.body()).isEqualTo("swr-1");
                j.del("rsf:cache:{/std/swr}#lock");
            }
            HttpResponse<String> refreshing = get("/std/swr");
            assertThat(xCache(refreshing)).as("the request that refreshes is answered stale at once").isEqualTo("STALE");
            assertThat(refreshing.body()).isEqualTo("swr-1");
            settled("/std/swr"); // refreshed in the background, after the answer
            HttpResponse<String> fresh = get("/std/swr");
            assertThat(xCache(fresh)).isEqualTo("HIT");
            assertThat(fresh.body()).isEqualTo("swr-2");
            assertThat(calls.get()).isEqualTo(2);
        }

        @Test
        void staleIfErrorHidesOriginFailuresWithinTheGrace() {
            get("/annotated");
            settled("/annotated");
            clock.advanceSeconds(20); // ttl 10s from @CacheResponse: stale now
            origin((req, resp, n) -> resp.sendError(503));
            HttpResponse<String> r = get("/annotated");
            assertThat(xCache(r)).isEqualTo("STALE");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("body-1");
            origin((req, resp, n) -> {
                throw new IllegalStateException("origin down");
            });
            assertThat(get("/annotated").body()).isEqualTo("body-1");
            clock.advanceSeconds(301);
            origin((req, resp, n) -> resp.sendError(503));
            assertThat(get("/annotated").statusCode()).isEqualTo(503);
        }
    }

    @Nested
    class AsyncServlets {
        @Test
        void anAsyncResponseIsStoredWhenItsCycleCompletes() {
            HttpResponse<String> first = get("/async/a");
            assertThat(first.body()).isEqualTo("async-1");
            try (Jedis j = redis.admin()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> j.exists("rsf:cache:{/async/a}"));
            }
            HttpResponse<String> second = get("/async/a");
            assertThat(xCache(second)).isEqualTo("HIT");
            assertThat(second.body()).isEqualTo("async-1");
        }
    }

    @Nested
    class Annotations {
        @Test
        void noCacheServletIsLeftAloneAndCacheResponseServletIsCached() {
            HttpResponse<String> excluded = get("/ttl/excluded");
            assertThat(xCache(excluded)).isNull();
            get("/ttl/excluded");
            assertThat(calls.get()).isEqualTo(2);
            get("/annotated");
            assertThat(xCache(get("/annotated"))).isEqualTo("HIT");
        }
    }

    @Nested
    class RoundTrips {
        @Test
        void aHitOnAVaryingUrlIsOneScriptCall() {
            origin((req, resp, n) -> {
                resp.setHeader("Vary", "Accept");
                resp.getWriter().print("v");
            });
            get("/ttl/vrt", "Accept", "a/b");
            settled("/ttl/vrt");
            redis.resetStats();
            assertThat(xCache(get("/ttl/vrt", "Accept", "a/b"))).isEqualTo("HIT");
            Map<String, Long> stats = redis.commandStats();
            stats.remove("info");
            stats.remove("config|resetstat");
            // the two GETs run inside the script (variants record, then the variant), pipelined with the
            // MGET of the prefix generations: one round trip; a hit reads no Redis time
            assertThat(stats).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", 1L, "get", 2L, "mget", 1L));
        }
    }

    @Nested
    class Safety {
        @Test
        void forwardedHostIsNeitherKeyedNorReflectedAndRewriteHeadersBypass() {
            origin((req, resp, n) -> resp.getWriter().print("host=" + req.getServerName()));
            HttpResponse<String> r = get("/ttl/host", "X-Forwarded-Host", "evil.example");
            assertThat(r.body()).doesNotContain("evil");
            HttpResponse<String> plain = get("/ttl/host");
            assertThat(xCache(plain)).isEqualTo("HIT");
            assertThat(plain.body()).doesNotContain("evil");
            assertThat(xCache(get("/ttl/host", "X-Original-URL", "/admin"))).isEqualTo("BYPASS");
        }

        @Test
        void aHitIsOneRedisRoundTrip() {
            get("/ttl/rt");
            settled("/ttl/rt");
            redis.resetStats();
            assertThat(xCache(get("/ttl/rt"))).isEqualTo("HIT");
            Map<String, Long> stats = redis.commandStats();
            stats.remove("info");
            stats.remove("config|resetstat");
            assertThat(stats).as("the lookup script and the MGET of the prefix generations (a hit reads no Redis time)")
                    .containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", 1L, "get", 1L, "mget", 1L));
            try (io.github.redisfilters.testing.RoundTrips trips = new io.github.redisfilters.testing.RoundTrips(redis)) {
                assertThat(trips.of(() -> assertThat(xCache(get("/ttl/rt"))).isEqualTo("HIT"))).as("pipelined: one round trip")
                        .isEqualTo(1);
            }
        }
    }
}
