package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.jwt.JwtBlacklistFilter;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RoundTrips;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * The cache at scale, on Jetty and Tomcat against a real Redis: one entry per resource however its
 * URL is spelled; no invalidation (of a URL, a prefix or a tag) is undone by a render that began
 * before it; invalidation and purges never scan the keyspace; hit-for-pass; the round trips of a
 * hit and a miss, alone and behind the JWT filter.
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ResponseCacheConsistencyIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    ServletContainer app;
    /** What the origin does; renders are counted from 1. */
    interface Origin {
        void handle(HttpServletRequest req, HttpServletResponse resp, int n) throws IOException, InterruptedException;
    }
    static volatile Origin origin;
    static final AtomicInteger renders = new AtomicInteger();

    @BeforeEach
    void reset() {
        origin = (req, resp, n) -> resp.getWriter().print("v" + n);
        renders.set(0);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    void start(boolean withJwt) {
        ResponseCacheConfig config = ResponseCacheConfig.builder()
                .rules(ResponseCacheConfig.Rule.ttl("/ttl/**", Duration.ofSeconds(60)), ResponseCacheConfig.Rule.standard("/std/**"))
                .invalidations(ResponseCacheConfig.Invalidation.of("/ttl/products", "/ttl/products*"))
                .lockTimeout(Duration.ofSeconds(30))
                .coalesceWait(Duration.ofSeconds(30))
                .hitForPass(Duration.ofSeconds(30))
                .build();
        app = kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            if (withJwt) {
                FilterRegistration.Dynamic jwt = ctx.addFilter("jwt", JwtBlacklistFilter.class);
                jwt.setInitParameter("cookieName", "access_token");
                jwt.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            }
            FilterRegistration.Dynamic cache = ctx.addFilter("cache", new ResponseCacheFilter(config));
            cache.setAsyncSupported(true);
            cache.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            ctx.addServlet("origin", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    try {
                        origin.handle(req, resp, renders.incrementAndGet());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
            }).addMapping("/ttl/*", "/std/*");
        });
    }

    URI uri(String rawPath) {
        return URI.create("http://127.0.0.1:" + app.port() + app.contextPath() + rawPath);
    }

    HttpResponse<String> get(String rawPath, String... headers) {
        return Http.get(uri(rawPath), headers);
    }

    static String xCache(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache").orElse(null);
    }

    /** Waits until the store after a miss is done (a miss answers the client first, then stores). */
    void settled(String urlKey) {
        try (Jedis j = REDIS.process().admin()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !j.exists("rsf:cache:{" + urlKey + "}#lock"));
        }
    }

    ResponseCache cache() {
        return ResponseCache.from(app.servletContext());
    }

    // ----- one entry per resource

    @Test
    void everySpellingOfAUrlSharesOneEntryAndIsInvalidatedWithIt() {
        start(false);
        assertThat(xCache(get("/ttl/items"))).isEqualTo("MISS");
        settled("/ttl/items");
        for (String spelling : List.of("/ttl/./items", "/ttl/x/../items", "/%74tl/items", "/ttl/%69tems", "/ttl/%69TEMS/../items",
                "/ttl/items?")) {
            HttpResponse<String> r = get(spelling);
            assertThat(r.statusCode()).as(kind + " " + spelling).isEqualTo(200);
            assertThat(xCache(r)).as(kind + " " + spelling).isEqualTo("HIT");
            assertThat(r.body()).isEqualTo("v1");
        }
        assertThat(Http.post(uri("/ttl/./%69tems"), "x").statusCode()).isEqualTo(200);
        HttpResponse<String> after = get("/%74tl/items");
        assertThat(xCache(after)).as("invalidated under its one key").isEqualTo("MISS");
        assertThat(after.body()).isEqualTo("v3");
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.keys("rsf:cache:{*")).allMatch(k -> k.startsWith("rsf:cache:{/ttl/items}"));
        }
    }

    @Test
    void queriesAreNormalisedTooAndPathParametersAreNotCached() {
        start(false);
        assertThat(xCache(get("/ttl/q?b=%7e&a=%41"))).isEqualTo("MISS");
        settled("/ttl/q?a=A&b=~");
        assertThat(xCache(get("/ttl/q?a=A&b=~"))).isEqualTo("HIT");
        assertThat(xCache(get("/ttl/q;v=1?a=A&b=~"))).isEqualTo("BYPASS");
    }

    // ----- no resurrection: an invalidation is never undone by a render that began before it

    /** Renders {@code path} but holds the response (and so the store) until {@code invalidation} ran. */
    void renderHeldAcross(String path, Runnable invalidation) throws Exception {
        CountDownLatch rendering = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        origin = (req, resp, n) -> {
            resp.setHeader("Cache-Tag", "held");
            resp.getWriter().print("v" + n);
            if (n == 1) {
                rendering.countDown();
                assertThat(go.await(20, TimeUnit.SECONDS)).isTrue();
            }
        };
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> get(path));
        assertThat(rendering.await(20, TimeUnit.SECONDS)).isTrue();
        invalidation.run();
        go.countDown();
        HttpResponse<String> old = first.get(20, TimeUnit.SECONDS);
        assertThat(old.body()).isEqualTo("v1");
        assertThat(xCache(old)).isEqualTo("MISS");
        settled(path);
        HttpResponse<String> next = get(path);
        assertThat(xCache(next)).as("the render from before the invalidation was not kept").isEqualTo("MISS");
        assertThat(next.body()).isNotEqualTo("v1");
        settled(path);
        assertThat(xCache(get(path))).as("later renders are stored as usual").isEqualTo("HIT");
    }

    @Test
    void anUnsafeRequestIsNotUndoneByALateStore() throws Exception {
        start(false);
        renderHeldAcross("/ttl/late", () -> assertThat(Http.post(uri("/ttl/late"), "x").statusCode()).isEqualTo(200));
    }

    @Test
    void aConfiguredPrefixInvalidationIsNotUndoneByALateStore() throws Exception {
        start(false);
        renderHeldAcross("/ttl/products/7", () -> assertThat(Http.post(uri("/ttl/products"), "x").statusCode()).isEqualTo(200));
    }

    @Test
    void purgeUrlIsNotUndoneByALateStore() throws Exception {
        start(false);
        renderHeldAcross("/ttl/u", () -> cache().purgeUrl("/ttl/u"));
    }

    @Test
    void purgePrefixIsNotUndoneByALateStore() throws Exception {
        start(false);
        renderHeldAcross("/ttl/p/1", () -> cache().purgePrefix("/ttl/p"));
    }

    @Test
    void purgeTagIsNotUndoneByALateStore() throws Exception {
        start(false);
        renderHeldAcross("/ttl/t", () -> cache().purgeTag("held"));
    }

    @Test
    void prefixPurgesMatchWholeSegments() {
        start(false);
        for (String p : List.of("/ttl/a", "/ttl/a/b?x=1", "/ttl/ab")) {
            get(p);
        }
        settled("/ttl/a");
        settled("/ttl/a/b?x=1");
        settled("/ttl/ab");
        cache().purgePrefix("/ttl/a");
        assertThat(xCache(get("/ttl/a"))).isEqualTo("MISS");
        assertThat(xCache(get("/ttl/a/b?x=1"))).isEqualTo("MISS");
        assertThat(xCache(get("/ttl/ab"))).isEqualTo("HIT");
        settled("/ttl/a");
        cache().purgePrefix("/");
        assertThat(xCache(get("/ttl/ab"))).as("/ purges everything").isEqualTo("MISS");
        assertThat(xCache(get("/ttl/a"))).isEqualTo("MISS");
    }

    // ----- no scanning

    @Test
    void invalidationAndPurgesNeverScanAndCostTheSameWhateverTheDatabaseHolds() {
        start(false);
        Map<String, Long> empty = invalidationCommands();
        try (Jedis j = REDIS.process().admin()) {
            j.eval("for i = 1, 20000 do redis.call('SET', 'unrelated:' .. i, 'x') end return 1");
        }
        Map<String, Long> full = invalidationCommands();
        assertThat(full).as("same commands with 20,000 unrelated keys").isEqualTo(empty);
        assertThat(full).doesNotContainKeys("scan", "keys");
    }

    /** Commands Redis ran for a POST with a prefix invalidation and the three purge calls. */
    Map<String, Long> invalidationCommands() {
        get("/ttl/products/1");
        settled("/ttl/products/1");
        try (RoundTrips trips = new RoundTrips(REDIS.process())) {
            long n = trips.of(() -> Http.post(uri("/ttl/products"), "x"));
            assertThat(n).as("an invalidating POST: one round trip").isEqualTo(1);
            Map<String, Long> commands = new java.util.TreeMap<>(trips.lastCommands());
            trips.of(() -> {
                cache().purgePrefix("/ttl/products");
                cache().purgeUrl("/ttl/x");
                cache().purgeTag("none");
            });
            trips.lastCommands().forEach((k, v) -> commands.merge(k, v, Long::sum));
            return commands;
        }
    }

    // ----- hit-for-pass

    @Test
    void afterAnUncacheableAnswerFollowersGoToTheOriginTogether() throws Exception {
        start(false);
        origin = (req, resp, n) -> {
            resp.setHeader("Cache-Control", "no-store");
            resp.getWriter().print("u" + n);
        };
        assertThat(xCache(get("/std/hfp"))).isEqualTo("MISS");
        try (Jedis j = REDIS.process().admin()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> j.exists("rsf:cache:{/std/hfp}#pass"));
            assertThat(j.pttl("rsf:cache:{/std/hfp}#pass")).isBetween(1L, 30_000L);
        }
        int followers = 5;
        CountDownLatch together = new CountDownLatch(followers);
        origin = (req, resp, n) -> {
            together.countDown();
            // with a miss lock they would wait for each other: only one would ever get here
            resp.setHeader("Cache-Control", "no-store");
            resp.getWriter().print(together.await(20, TimeUnit.SECONDS) ? "together" : "one-by-one");
        };
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < followers; i++) {
            all.add(CompletableFuture.supplyAsync(() -> get("/std/hfp")));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.body()).isEqualTo("together");
            assertThat(xCache(r)).isEqualTo("MISS");
        }
        origin = (req, resp, n) -> {
            resp.setHeader("Cache-Control", "max-age=60");
            resp.getWriter().print("c" + n);
        };
        assertThat(xCache(get("/std/hfp"))).isEqualTo("MISS");
        settled("/std/hfp");
        assertThat(xCache(get("/std/hfp"))).as("a storable answer is stored and ends hit-for-pass").isEqualTo("HIT");
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.exists("rsf:cache:{/std/hfp}#pass")).isFalse();
        }
    }

    // ----- round trips

    @Test
    void aHitIsOneRoundTripAndAMissTwo() {
        start(false);
        get("/ttl/warm");
        settled("/ttl/warm");
        try (RoundTrips trips = new RoundTrips(REDIS.process())) {
            // the store follows the response: counted until the miss lock is gone (one EXISTS per question, not counted)
            assertThat(trips.of(() -> assertThat(xCache(get("/ttl/rt"))).isEqualTo("MISS"),
                    "exists", j -> !j.exists("rsf:cache:{/ttl/rt}#lock")))
                    .as(() -> "lookup (taking the lock), then store: " + trips.lastCommands()).isEqualTo(2);
            assertThat(trips.of(() -> assertThat(xCache(get("/ttl/rt"))).isEqualTo("HIT"))).isEqualTo(1);
        }
    }

    @Test
    void behindTheJwtFilterAHitIsStillOneRoundTripAndAMissTwo() {
        start(true);
        String cookie = "access_token=" + token();
        assertThat(get("/ttl/warm", "Cookie", cookie).statusCode()).isEqualTo(200);
        settled("/ttl/warm");
        try (RoundTrips trips = new RoundTrips(REDIS.process())) {
            // the store follows the response: counted until the miss lock is gone (one EXISTS per question, not counted)
            assertThat(trips.of(() -> assertThat(xCache(get("/ttl/chain", "Cookie", cookie))).isEqualTo("MISS"),
                    "exists", j -> !j.exists("rsf:cache:{/ttl/chain}#lock")))
                    .as(() -> "blacklist check + lookup, then store: " + trips.lastCommands()).isEqualTo(2);
            assertThat(trips.of(() -> assertThat(xCache(get("/ttl/chain", "Cookie", cookie))).isEqualTo("HIT")))
                    .as(() -> "blacklist check + lookup in one pipeline: " + trips.lastCommands()).isEqualTo(1);
            assertThat(trips.lastCommands()).containsKeys("mget", "evalsha");
        }
    }

    /** An unsigned token with the claims the blacklist reads (the filter verifies no signature unless told to). */
    static String token() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String claims = "{\"jti\":\"" + UUID.randomUUID() + "\",\"sub\":\"alice\",\"iat\":" + now + ",\"exp\":" + (now + 900) + "}";
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[32]);
    }
}
