package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.internal.metrics.MetricsRegistry;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.RoundTrips;
import io.github.redisfilters.testing.ServletContainer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/** The session filter on a real Redis, in a real Jetty and a real Tomcat. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class RedisSessionFilterIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture(); // one Redis for both containers, emptied before every test
    static RedisProcess redis;
    static ServletContainer app;
    static ContainerKind started;

    static void start(ContainerKind kind) {
        stop();
        started = kind;
        redis = REDIS.process();
        app = kind.start(SessionTestApp.app("redisUrl", redis.url(), Map.of(
                "touchFreePaths", "/poll/*",
                "excludedPaths", "/static/*",
                "principalAttribute", "user")));
        SessionTestApp.savedProbe = a -> SessionTestApp.stored(redis, "rsf:", a[0], a[1]);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
        started = null;
    }

    @BeforeEach
    void clean() {
        if (started != kind) {
            start(kind);
        }
        SessionTestApp.CHECKS.clear();
    }

    static Optional<String> setCookie(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("SESSION=")).findFirst();
    }

    static String sessionId(HttpResponse<?> r) {
        String h = setCookie(r).orElseThrow(() -> new AssertionError("no session cookie in " + r.headers()));
        return h.substring("SESSION=".length(), h.indexOf(';'));
    }

    static String[] cookie(String id) {
        return new String[] {"Cookie", "SESSION=" + id};
    }

    String newSession(String name, String value) {
        HttpResponse<String> r = Http.get(app.uri("/s/set?name=" + name + "&value=" + value));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok true");
        return sessionId(r);
    }

    String get(String id, String name) {
        HttpResponse<String> r = Http.get(app.uri("/s/get?name=" + name), cookie(id));
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    long sessionKeys() {
        try (Jedis j = redis.admin()) {
            return j.keys("rsf:session:{*").size();
        }
    }

    @Test
    void aSessionIsCreatedStoredAsOneHashAndReadBack() {
        long before = redis.timeMillis();
        HttpResponse<String> r = Http.get(app.uri("/s/set?name=cart&value=3"));
        long after = redis.timeMillis();
        String id = sessionId(r);
        assertThat(id).matches("[A-Za-z0-9_-]{43}");
        assertThat(setCookie(r).orElseThrow()).contains("Path=/app").contains("HttpOnly").contains("SameSite=Lax")
                .doesNotContain("Secure");
        try (Jedis j = redis.admin()) {
            String key = SessionTestApp.key("rsf:", id);
            assertThat(j.type(key)).isEqualTo("hash");
            assertThat(j.hkeys(key)).contains("#c", "#a", "#m", "a:cart");
            assertThat(redis.expiryMillis(key) - 1_801_000L).as("TTL: 30 min + 1 s touch slack").isBetween(before, after);
        }
        HttpResponse<String> again = Http.get(app.uri("/s/get?name=cart"), cookie(id));
        assertThat(again.body()).isEqualTo("3");
        assertThat(setCookie(again)).as("no new cookie for a known session").isEmpty();
        HttpResponse<String> info = Http.get(app.uri("/s/info"), cookie(id));
        assertThat(info.body()).startsWith("new=false valid=true fromCookie=true").endsWith("max=1800");
    }

    @Test
    void requestsThatNeverAskForTheSessionCostNothing() {
        redis.resetStats();
        HttpResponse<String> r = Http.get(app.uri("/s/none"));
        assertThat(r.body()).isEqualTo("untouched");
        assertThat(setCookie(r)).isEmpty();
        assertThat(redis.totalCommands()).isZero();
    }

    @Test
    void roundTripsReadOnlyOneModifyingTwo() {
        String id = newSession("a", "1");
        get(id, "a");
        Http.post(app.uri("/s/get?name=a"), "", cookie(id)); // scripts cached (a GET reads with a plain HGETALL)
        assertThat(reads(() -> assertThat(get(id, "a")).isEqualTo("1"))).as("read-only request").isEqualTo(1);
        assertThat(reads(() -> Http.get(app.uri("/s/set?name=b&value=2"), cookie(id)))).as("modifying GET").isEqualTo(2);
        assertThat(reads(() -> Http.post(app.uri("/s/set?name=b&value=3"), "", cookie(id))))
                .as("modifying POST: the lock rides on the load and the save").isEqualTo(2);
        assertThat(reads(() -> Http.post(app.uri("/s/get?name=b"), "", cookie(id))))
                .as("POST that changes nothing: load, then the lock's release").isEqualTo(2);
        String[] anon = new String[1];
        assertThat(reads(() -> anon[0] = newSession("c", "3"))).as("new session").isEqualTo(1);
        String[] user = new String[1];
        try (RoundTrips trips = new RoundTrips(redis)) {
            long loginReads = trips.of(() -> user[0] = sessionId(Http.post(app.uri("/s/login?name=zoe"), "", cookie(anon[0]))));
            assertThat(loginReads).as("login: the load (+lock), then ONE pipeline: re-key + write + unlock, principal index")
                    .isEqualTo(2);
            assertThat(trips.lastCommands()).as("three scripts (load, save, index); DEL and RENAME run inside them")
                    .containsEntry("evalsha", 3L).doesNotContainKey("eval");
        }
        String[] flushed = new String[1];
        assertThat(reads(() -> flushed[0] = sessionId(Http.post(app.uri("/s/login?name=zoe&flush=1"), "", cookie(user[0])))))
                .as("login committed early: still saved once").isEqualTo(2);
        assertThat(get(flushed[0], "user")).isEqualTo("zoe");
        assertThat(get(user[0], "user")).as("the old id is gone").isEqualTo("no-session");
        assertThat(reads(() -> Http.post(app.uri("/s/invalidate"), "", cookie(flushed[0])))).as("logout: load, delete")
                .isEqualTo(2);
    }

    /** Round trips the filter made during {@code action}: Redis' read events ({@link RoundTrips}). */
    long reads(Runnable action) {
        try (RoundTrips trips = new RoundTrips(redis)) {
            return trips.of(action);
        }
    }

    /** Top-level commands the filter sends (commands run inside scripts are counted by Redis too, so they are left out). */
    long roundTrips() {
        Map<String, Long> s = redis.commandStats();
        return s.getOrDefault("evalsha", 0L) + s.getOrDefault("eval", 0L) + s.getOrDefault("del", 0L);
    }

    @Test
    void invalidateDeletesTheSessionAndExpiresTheCookie() {
        String id = newSession("a", "1");
        HttpResponse<String> r = Http.get(app.uri("/s/invalidate"), cookie(id));
        assertThat(r.body()).isEqualTo("invalidated");
        assertThat(setCookie(r).orElseThrow()).startsWith("SESSION=;").contains("Max-Age=0");
        assertThat(sessionKeys()).isZero();
        assertThat(get(id, "a")).isEqualTo("no-session");
    }

    @Test
    void garbageAndUnknownCookiesMeanNoSessionAndCreateNoKey() {
        for (String bad : List.of("garbage", "%00%ff", "x".repeat(5000), "../../etc", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")) {
            HttpResponse<String> r = Http.get(app.uri("/s/get?name=a"), "Cookie", "SESSION=" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(200);
            assertThat(r.body()).isEqualTo("no-session");
        }
        assertThat(sessionKeys()).isZero();
        HttpResponse<String> created = Http.get(app.uri("/s/set?name=a&value=1"), "Cookie", "SESSION=garbage");
        assertThat(created.body()).isEqualTo("ok true");
        String id = sessionId(created);
        assertThat(id).isNotEqualTo("garbage");
        assertThat(sessionKeys()).isOne();
    }

    /**
     * A browser sends every cookie of that name whose path and domain match, the most specific
     * path first: an older or planted cookie must not hide the session (the ids sent are tried in
     * order, at most {@value SessionManager#MAX_REQUESTED_IDS}).
     */
    @Test
    void anUnknownCookieSentBeforeTheSessionsOwnDoesNotHideIt() {
        String id = newSession("a", "kept");
        String unknown = new SessionIds().next();
        String other = new SessionIds().next();
        HttpResponse<String> r = Http.get(app.uri("/s/get?name=a"), "Cookie",
                "SESSION=garbage; SESSION=" + unknown + "; SESSION=" + id);
        assertThat(r.body()).isEqualTo("kept");
        HttpResponse<String> writes = Http.get(app.uri("/s/set?name=a&value=new"), "Cookie",
                "SESSION=" + unknown + "; SESSION=" + id);
        assertThat(writes.body()).isEqualTo("ok false");
        assertThat(get(id, "a")).isEqualTo("new");
        assertThat(sessionKeys()).as("no session made for the unknown id").isOne();
        HttpResponse<String> tooMany = Http.get(app.uri("/s/get?name=a"), "Cookie",
                "SESSION=" + unknown + "; SESSION=" + other + "; SESSION=" + new SessionIds().next() + "; SESSION=" + id);
        assertThat(tooMany.body()).as("only the first three well-formed ids are tried").isEqualTo("no-session");
    }

    /**
     * With several session cookies, the id the request reports is the one whose session it uses,
     * whether the application asks for it before or after the session is loaded: a stale cookie
     * sent first is never reported as the valid requested id.
     */
    @Test
    void theRequestedIdIsTheOneWhoseSessionIsUsedWhenSeveralCookiesAreSent() {
        String id = newSession("a", "kept");
        String unknown = new SessionIds().next();
        HttpResponse<String> r = Http.get(app.uri("/s/requested"), "Cookie", "SESSION=" + unknown + "; SESSION=" + id);
        assertThat(r.body()).isEqualTo(id + " true " + id);
        HttpResponse<String> none = Http.get(app.uri("/s/requested"), "Cookie",
                "SESSION=" + unknown + "; SESSION=" + new SessionIds().next());
        assertThat(none.body()).as("no session: the first id sent is the one reported, before and after the load")
                .isEqualTo(unknown + " false " + unknown);
    }

    /**
     * A request that replaces its loaded session by a new one, saves it at the response's commit
     * and changes it again: the second save counts the new session's size, not the attributes of
     * the session it replaced (which would refuse it as too large).
     */
    @Test
    void aSecondSaveOfASessionCreatedInPlaceOfALoadedOneCountsOnlyItsOwnSize() {
        HttpResponse<String> big = Http.get(app.uri("/s/big?name=old&value=" + 200 * 1024));
        String old = sessionId(big);
        HttpResponse<String> r = Http.get(app.uri("/s/renew?name=fresh&value=" + 100 * 1024), cookie(old));
        assertThat(r.statusCode()).isEqualTo(200);
        String fresh = r.body();
        assertThat(fresh).isNotEqualTo(old);
        assertThat(get(old, "old")).isEqualTo("no-session");
        assertThat(get(fresh, "after")).as("saved after the commit (100 KB of 256 KB)").isEqualTo("1");
    }

    @Test
    void aCorruptedHashIsNoSessionAndNo5xx() {
        String id = new SessionIds().next();
        String wrongType = new SessionIds().next();
        try (Jedis j = redis.admin()) {
            j.hset(SessionTestApp.key("rsf:", id), Map.of("junk", "1", "#m", "not-a-number"));
            j.set(SessionTestApp.key("rsf:", wrongType), "a string, not a hash");
        }
        HttpResponse<String> strange = Http.get(app.uri("/s/get?name=a"), cookie(wrongType));
        assertThat(strange.statusCode()).isEqualTo(200);
        assertThat(strange.body()).isEqualTo("no-session");
        HttpResponse<String> r = Http.get(app.uri("/s/get?name=a"), cookie(id));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("no-session");
        HttpResponse<String> set = Http.get(app.uri("/s/set?name=a&value=1"), cookie(id));
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(sessionId(set)).isNotEqualTo(id);
    }

    @Test
    void anUnreadableAttributeIsDroppedCountedAndNoLoop() {
        String id = newSession("good", "1");
        Http.get(app.uri("/s/set?name=bad&value=2"), cookie(id));
        try (Jedis j = redis.admin()) {
            j.hset((SessionTestApp.key("rsf:", id)).getBytes(), "a:bad".getBytes(), new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 1, 2, 3});
        }
        long before = counter("codec.failures");
        HttpResponse<String> r = Http.get(app.uri("/s/get?name=bad"), cookie(id));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("null");
        assertThat(get(id, "good")).isEqualTo("1");
        assertThat(counter("codec.failures") - before).isEqualTo(1);
        try (Jedis j = redis.admin()) {
            assertThat(j.hexists(SessionTestApp.key("rsf:", id), "a:bad")).as("dropped from Redis too").isFalse();
        }
    }

    long counter(String name) {
        return MetricsRegistry.of(app.servletContext()).all().stream().filter(m -> m.kind().equals("session"))
                .mapToLong(m -> m.get(name)).sum();
    }

    @Test
    void concurrentRequestsSettingDifferentAttributesBothSurvive() throws Exception {
        for (int round = 0; round < 15; round++) {
            String id = newSession("start", "0");
            SessionTestApp.barrier = new CyclicBarrier(2);
            CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(
                    () -> Http.get(app.uri("/s/race?name=a&value=A"), cookie(id)));
            CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(
                    () -> Http.get(app.uri("/s/race?name=b&value=B"), cookie(id)));
            assertThat(a.get().statusCode()).isEqualTo(200);
            assertThat(b.get().statusCode()).isEqualTo(200);
            assertThat(get(id, "a")).as("round " + round).isEqualTo("A");
            assertThat(get(id, "b")).as("round " + round).isEqualTo("B");
            assertThat(get(id, "start")).isEqualTo("0");
        }
    }

    @Test
    void invalidationRacingWithASaveNeverResurrectsTheSession() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = newSession("start", "0");
            SessionTestApp.arrived = new CountDownLatch(1);
            SessionTestApp.release = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(
                    () -> Http.get(app.uri("/s/hold?name=late&value=1"), cookie(id)));
            assertThat(SessionTestApp.arrived.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(Http.get(app.uri("/s/invalidate"), cookie(id)).body()).isEqualTo("invalidated");
            SessionTestApp.release.countDown();
            assertThat(held.get().statusCode()).isEqualTo(200);
            assertThat(sessionKeys()).as("round " + round).isZero();
            assertThat(get(id, "late")).isEqualTo("no-session");
        }
    }

    @Test
    void attributesAreSavedBeforeEveryCommitPath() {
        HttpResponse<String> redirect = Http.get(app.uri("/s/redirect?name=r&value=1"));
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(check("redirect")).as("saved before sendRedirect committed").isTrue();
        assertThat(get(sessionId(redirect), "r")).isEqualTo("1");

        HttpResponse<String> error = Http.get(app.uri("/s/error?name=e&value=1"));
        assertThat(error.statusCode()).isEqualTo(418);
        assertThat(check("error")).as("saved before sendError").isTrue();
        assertThat(get(sessionId(error), "e")).isEqualTo("1");

        HttpResponse<String> flush = Http.get(app.uri("/s/flush?name=f&value=1"));
        assertThat(flush.body()).isEqualTo("saved-before-commit=true");
        assertThat(get(sessionId(flush), "f")).isEqualTo("1");

        HttpResponse<String> stream = Http.get(app.uri("/s/stream?name=st&value=1"));
        assertThat(stream.body()).isEqualTo("streamed saved-before-commit=true");
        assertThat(get(sessionId(stream), "st")).isEqualTo("1");

        HttpResponse<String> large = Http.get(app.uri("/s/large?name=l&value=1"));
        assertThat(large.body()).endsWith("|committed=true|saved-before-commit=true");
        assertThat(get(sessionId(large), "l")).isEqualTo("1");

        HttpResponse<String> length = Http.get(app.uri("/s/length?name=cl&value=1"));
        assertThat(length.body()).isEqualTo("exactly");
        assertThat(check("length")).as("saved when the content length was reached").isTrue();
        assertThat(get(sessionId(length), "cl")).isEqualTo("1");
    }

    /** The servlet records its check after the commit call; the client may see the response before that. */
    static Boolean check(String op) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> SessionTestApp.CHECKS.get(op), java.util.Objects::nonNull);
    }

    @Test
    void sessionsExpireByTtl() {
        HttpResponse<String> r = Http.get(app.uri("/s/short?name=a&value=1"));
        String id = sessionId(r);
        try (Jedis j = redis.admin()) {
            // -2 (already gone) is fine on a slow machine; above 1 s + the 100 ms touch slack would mean
            // the TTL was not applied
            assertThat(j.pttl(SessionTestApp.key("rsf:", id))).isLessThanOrEqualTo(1100L).isNotEqualTo(-1L);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionKeys() == 0);
        assertThat(get(id, "a")).isEqualTo("no-session");
    }

    @Test
    void touchFreePathsReadWithoutExtendingAndOthersExtend() {
        String id = newSession("a", "1");
        String key = SessionTestApp.key("rsf:", id);
        try (Jedis j = redis.admin()) {
            j.pexpire(key, 100_000);
            j.hset(key, "#a", "1000"); // the recorded access is old, so a touching read writes
            HttpResponse<String> poll = Http.get(app.uri("/poll/get?name=a"), cookie(id));
            assertThat(poll.body()).isEqualTo("1");
            assertThat(j.pttl(key)).isLessThanOrEqualTo(100_000L);
            assertThat(get(id, "a")).isEqualTo("1");
            assertThat(j.pttl(key)).isGreaterThan(1_000_000L);
        }
    }

    @Test
    void excludedPathsSeeNoSessionAndTouchNothing() {
        String id = newSession("a", "1");
        redis.resetStats();
        HttpResponse<String> r = Http.get(app.uri("/static/get?name=a"), cookie(id));
        assertThat(r.body()).isEqualTo("no-session");
        assertThat(roundTrips()).isZero();
    }

    @Test
    void changeSessionIdKeepsDataRemovesTheOldIdAndIndexesThePrincipal() {
        String anon = newSession("cart", "2");
        HttpResponse<String> login = Http.get(app.uri("/s/login?name=alice"), cookie(anon));
        assertThat(login.body()).isEqualTo("changed");
        String fresh = sessionId(login);
        assertThat(fresh).isNotEqualTo(anon);
        assertThat(get(fresh, "cart")).isEqualTo("2");
        assertThat(get(fresh, "user")).isEqualTo("alice");
        assertThat(get(anon, "cart")).isEqualTo("no-session");
        assertThat(sessionKeys()).isOne();

        String second = sessionId(Http.get(app.uri("/s/login?name=alice"), cookie(newSession("x", "1"))));
        String bob = sessionId(Http.get(app.uri("/s/login?name=bob"), cookie(newSession("x", "1"))));
        assertThat(Http.get(app.uri("/s/find?name=alice")).body()).isEqualTo("2");
        assertThat(Http.get(app.uri("/s/logoutAll?name=alice"), cookie(fresh)).body()).isEqualTo("2");
        assertThat(get(fresh, "user")).isEqualTo("no-session");
        assertThat(get(second, "user")).isEqualTo("no-session");
        assertThat(get(bob, "user")).isEqualTo("bob");
        assertThat(Http.get(app.uri("/s/find?name=alice")).body()).isEqualTo("0");
    }

    @Test
    void foreignDataUnderAPrincipalIndexIsReplacedAtTheNextLoginInsteadOfFailingEveryLogin() {
        try (Jedis j = redis.admin()) {
            j.set("rsf:session:principal:mallet", "not a sorted set"); // no TTL: it would stay forever
        }
        HttpResponse<String> login = Http.get(app.uri("/s/login?name=mallet"), cookie(newSession("cart", "1")));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String id = sessionId(login);
        assertThat(get(id, "user")).isEqualTo("mallet");
        try (Jedis j = redis.admin()) {
            assertThat(j.type("rsf:session:principal:mallet")).isEqualTo("zset");
        }
        assertThat(Http.get(app.uri("/s/find?name=mallet")).body()).isEqualTo("1");
        assertThat(Http.get(app.uri("/s/logoutAll?name=mallet")).body()).isEqualTo("1");
        assertThat(get(id, "user")).isEqualTo("no-session");
    }

    @Test
    void aSessionThatNeverExpiresHasNoTtlAndIsStillIndexed() {
        String id = sessionId(Http.get(app.uri("/s/forever?name=erin")));
        try (Jedis j = redis.admin()) {
            assertThat(j.ttl(SessionTestApp.key("rsf:", id))).isEqualTo(-1L);
            assertThat(j.ttl("rsf:session:principal:erin")).isEqualTo(-1L);
        }
        assertThat(get(id, "user")).isEqualTo("erin");
        assertThat(Http.get(app.uri("/s/find?name=erin")).body()).isEqualTo("1");
        assertThat(Http.get(app.uri("/s/logoutAll?name=erin")).body()).isEqualTo("1");
        assertThat(sessionKeys()).isZero();
    }

    @Test
    void countersCountWhatHappened() {
        long created = counter("created");
        long saved = counter("saved");
        long loaded = counter("loaded");
        String id = newSession("a", "1");
        get(id, "a");
        assertThat(counter("created") - created).isEqualTo(1);
        assertThat(counter("saved") - saved).isEqualTo(1);
        assertThat(counter("loaded") - loaded).isEqualTo(1);
        Set<String> names = new java.util.TreeSet<>();
        MetricsRegistry.of(app.servletContext()).all().forEach(m -> names.addAll(m.snapshot().keySet()));
        assertThat(names).contains("created", "saved", "loaded");
    }
}
