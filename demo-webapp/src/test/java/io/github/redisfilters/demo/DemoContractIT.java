package io.github.redisfilters.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Walks the demo contract (shared/DESIGN.md) against the built WAR on Jetty AND Tomcat at once,
 * sharing one real Redis. Each test speaks as its own client address (via X-Forwarded-For from the
 * trusted local proxy) so rate limits of one test never touch another.
 */
class DemoContractIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLIENTS = new AtomicInteger(10);

    static RedisProcess redis;
    static DemoServers servers;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        servers = DemoServers.start(redis);
        System.out.println("DemoContractIT: the demo WAR on " + DemoServers.describe());
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) {
            servers.close();
        }
        redis.close();
    }

    private static String newClient() {
        return "198.51.100." + CLIENTS.incrementAndGet();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static String login(Function<String, URI> server, String client, String user, String password) throws Exception {
        HttpResponse<String> r = Http.post(server.apply("/api/auth/login"),
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("expiresIn").asInt()).isEqualTo(900);
        return body.get("token").asText();
    }

    private static String sessionCookie(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("SESSION="))
                .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst().orElse(null);
    }

    @Test
    void healthIsUpOnBothServers() throws Exception {
        for (URI uri : new URI[] {servers.jetty("/health"), servers.tomcat("/health")}) {
            HttpResponse<String> r = Http.get(uri);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).get("redis").asText()).isEqualTo("UP");
        }
    }

    @Test
    void theLandingPageAndItsFilesAreServedOnBothServers() throws Exception {
        for (Function<String, URI> server : List.<Function<String, URI>>of(servers::jetty, servers::tomcat)) {
            HttpResponse<String> page = Http.get(server.apply("/"));
            assertThat(page.statusCode()).as(DemoServers.describe()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("<script src=\"demo.js\"", "id=\"x-cache\"", "id=\"rl-remaining\"");
            assertThat(page.headers().firstValue("Set-Cookie")).as("looking at the page makes no session").isEmpty();
            assertThat(Http.get(server.apply("/demo.js")).headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
            assertThat(Http.get(server.apply("/demo.css")).headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
            assertThat(Http.get(server.apply("/index.html")).statusCode()).as("only the mapped paths").isEqualTo(404);
            assertThat(Http.get(server.apply("/WEB-INF/page/demo.js")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theStatusServletReportsRedisAndEveryFilter() throws Exception {
        HttpResponse<String> r = Http.get(servers.tomcat("/admin/redis-filters"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode status = json(r);
        assertThat(status.at("/redis/0/status").asText()).isEqualTo("UP");
        List<String> filters = new java.util.ArrayList<>();
        status.get("filters").forEach(f -> filters.add(f.get("name").asText()));
        assertThat(filters).contains("session", "rateLimit", "jwtBlacklist", "responseCache");
    }

    @Test
    void productsAreCachedAcrossServersAndUnknownIdsAre404() throws Exception {
        String client = newClient();
        HttpResponse<String> first = Http.get(servers.jetty("/api/products/2"), "X-Forwarded-For", client);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json(first).get("id").asInt()).isEqualTo(2);
        assertThat(first.headers().firstValue("X-Cache")).hasValue("MISS");
        HttpResponse<String> second = Http.get(servers.tomcat("/api/products/2"), "X-Forwarded-For", client);
        assertThat(second.headers().firstValue("X-Cache")).as("stored via Jetty, hit on Tomcat").hasValue("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("Age")).isPresent();
        assertThat(second.headers().allValues("X-RateLimit-Remaining")).as("the hit carries this request's own count, once")
                .hasSize(1).isNotEqualTo(first.headers().allValues("X-RateLimit-Remaining"));

        HttpResponse<String> list = Http.get(servers.tomcat("/api/products"), "X-Forwarded-For", client);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json(list).get("products").size()).isGreaterThanOrEqualTo(5);

        HttpResponse<String> missing = Http.get(servers.jetty("/api/products/999999"), "X-Forwarded-For", client);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(json(missing).get("status").asInt()).isEqualTo(404);
    }

    @Test
    void creatingAProductNeedsATokenAndInvalidatesTheCachedList() throws Exception {
        String client = newClient();
        Http.get(servers.jetty("/api/products"), "X-Forwarded-For", client);
        assertThat(Http.get(servers.tomcat("/api/products"), "X-Forwarded-For", client).headers().firstValue("X-Cache"))
                .hasValue("HIT");

        HttpResponse<String> anonymous = Http.post(servers.jetty("/api/products"), "{\"name\":\"Tamper\",\"price\":3}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

        String token = login(servers::jetty, client, "alice", "alice-pw");
        HttpResponse<String> created = Http.post(servers.tomcat("/api/products"), "{\"name\":\"Tamper\",\"price\":3.5}",
                "Content-Type", "application/json", "Authorization", "Bearer " + token, "X-Forwarded-For", client);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = json(created).get("id").asLong();

        HttpResponse<String> list = Http.get(servers.jetty("/api/products"), "X-Forwarded-For", client);
        assertThat(list.headers().firstValue("X-Cache")).as("the POST purged /api/products*").hasValue("MISS");
        assertThat(list.body()).contains("Tamper");
        HttpResponse<String> one = Http.get(servers.jetty("/api/products/" + id), "X-Forwarded-For", client);
        assertThat(one.statusCode()).isEqualTo(200);
    }

    @Test
    void loginMeLogoutAcrossServers() throws Exception {
        String client = newClient();
        HttpResponse<String> wrong = Http.post(servers.jetty("/api/auth/login"),
                "{\"username\":\"alice\",\"password\":\"nope\"}", "Content-Type", "application/json", "X-Forwarded-For", client);
        assertThat(wrong.statusCode()).isEqualTo(401);

        String token = login(servers::jetty, client, "alice", "alice-pw");
        HttpResponse<String> me = Http.get(servers.tomcat("/api/me"), "Authorization", "Bearer " + token, "X-Forwarded-For", client);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json(me).get("sub").asText()).isEqualTo("alice");

        HttpResponse<String> logout = Http.post(servers.tomcat("/api/auth/logout"), "",
                "Authorization", "Bearer " + token, "X-Forwarded-For", client);
        assertThat(logout.statusCode()).isEqualTo(204);
        for (URI uri : new URI[] {servers.jetty("/api/me"), servers.tomcat("/api/me")}) {
            HttpResponse<String> after = Http.get(uri, "Authorization", "Bearer " + token, "X-Forwarded-For", client);
            assertThat(after.statusCode()).as("revoked everywhere at once").isEqualTo(401);
            assertThat(after.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
            assertThat(after.body()).doesNotContain(token);
        }
    }

    @Test
    void meRejectsMissingAndMalformedTokens() throws Exception {
        String client = newClient();
        HttpResponse<String> none = Http.get(servers.jetty("/api/me"), "X-Forwarded-For", client);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(none.headers().firstValue("X-RateLimit-Limit")).as("limit headers on errors too").hasValue("100");
        for (String bad : new String[] {"abc", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."}) {
            HttpResponse<String> r = Http.get(servers.tomcat("/api/me"), "Authorization", "Bearer " + bad, "X-Forwarded-For", client);
            assertThat(r.statusCode()).as(bad).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
            assertThat(r.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        }
    }

    @Test
    void logoutAllRevokesEveryTokenAndSessionOfTheUser() throws Exception {
        String client = newClient();
        String first = login(servers::jetty, client, "bob", "bob-pw");
        String second = login(servers::tomcat, client, "bob", "bob-pw");
        HttpResponse<String> r = Http.post(servers.jetty("/api/auth/logout-all"), "",
                "Authorization", "Bearer " + second, "X-Forwarded-For", client);
        assertThat(r.statusCode()).isEqualTo(204);
        for (String token : new String[] {first, second}) {
            assertThat(Http.get(servers.tomcat("/api/me"), "Authorization", "Bearer " + token, "X-Forwarded-For", client)
                    .statusCode()).isEqualTo(401);
        }
        String fresh = login(servers::tomcat, client, "bob", "bob-pw");
        assertThat(Http.get(servers.jetty("/api/me"), "Authorization", "Bearer " + fresh, "X-Forwarded-For", client)
                .statusCode()).as("a login after logout-all answered works at once").isEqualTo(200);
    }

    @Test
    void loginIsLimitedToFivePerFifteenMinutesPerClient() throws Exception {
        String client = newClient();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = Http.post((i % 2 == 0 ? servers.jetty("/api/auth/login") : servers.tomcat("/api/auth/login")),
                    "{\"username\":\"alice\",\"password\":\"wrong\"}", "Content-Type", "application/json", "X-Forwarded-For", client);
            assertThat(r.statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = Http.post(servers.tomcat("/api/auth/login"),
                "{\"username\":\"alice\",\"password\":\"alice-pw\"}", "Content-Type", "application/json", "X-Forwarded-For", client);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(limited.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        // another client is not affected
        login(servers::jetty, newClient(), "alice", "alice-pw");
    }

    @Test
    void everyApiResponseCarriesRateLimitHeaders() throws Exception {
        String client = newClient();
        HttpResponse<String> r = Http.get(servers.jetty("/api/cart"), "X-Forwarded-For", client);
        assertThat(r.headers().firstValue("X-RateLimit-Limit")).hasValue("100");
        assertThat(r.headers().firstValue("X-RateLimit-Remaining")).hasValue("99");
        assertThat(r.headers().firstValue("X-RateLimit-Reset")).isPresent();
        HttpResponse<String> other = Http.get(servers.tomcat("/api/cart"), "X-Forwarded-For", client);
        assertThat(other.headers().firstValue("X-RateLimit-Remaining")).as("one limit across servers").hasValue("98");
    }

    @Test
    void anUntrustedPeerCannotChooseItsClientAddress() throws Exception {
        // requests come from 127.0.0.1 (trusted), so X-Forwarded-For names the client: two spoofed
        // names are two clients. The library's own tests cover untrusted peers.
        String a = newClient();
        String b = newClient();
        Http.get(servers.jetty("/api/cart"), "X-Forwarded-For", a);
        assertThat(Http.get(servers.jetty("/api/cart"), "X-Forwarded-For", b).headers().firstValue("X-RateLimit-Remaining"))
                .hasValue("99");
    }

    @Test
    void cartWorksAnonymouslyAndFollowsTheShopperAcrossServers() throws Exception {
        String client = newClient();
        HttpResponse<String> add = Http.post(servers.jetty("/api/cart"), "{\"sku\":\"BEANS-1KG\",\"qty\":2}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertThat(add.statusCode()).isEqualTo(200);
        String cookie = sessionCookie(add);
        assertThat(cookie).isNotNull();
        HttpResponse<String> more = Http.post(servers.tomcat("/api/cart"), "{\"sku\":\"BEANS-1KG\",\"qty\":1}",
                "Content-Type", "application/json", "Cookie", cookie, "X-Forwarded-For", client);
        assertThat(json(more).at("/items/0/qty").asInt()).isEqualTo(3);
        HttpResponse<String> view = Http.get(servers.jetty("/api/cart"), "Cookie", cookie, "X-Forwarded-For", client);
        assertThat(json(view).at("/items/0/sku").asText()).isEqualTo("BEANS-1KG");
        assertThat(json(view).get("totalQty").asInt()).isEqualTo(3);

        HttpResponse<String> bad = Http.post(servers.jetty("/api/cart"), "{\"sku\":\"\",\"qty\":0}",
                "Content-Type", "application/json", "Cookie", cookie, "X-Forwarded-For", client);
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> garbage = Http.post(servers.jetty("/api/cart"), "not json",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertThat(garbage.statusCode()).isEqualTo(400);
    }

    @Test
    void aBurstOfConcurrentCartAddsOverBothServersIsAcceptedWholeAndKeepsEveryItem() throws Exception {
        String client = newClient();
        HttpResponse<String> first = Http.post(servers.jetty("/api/cart"), "{\"sku\":\"FIRST\",\"qty\":1}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        String cookie = sessionCookie(first);
        int adds = CartServlet.MAX_ITEMS - 1; // 24 and 25 per server at once: beyond the library's default of 16 waiters
        ExecutorService pool = Executors.newFixedThreadPool(adds);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < adds; i++) {
                Function<String, URI> server = i % 2 == 0 ? servers::jetty : servers::tomcat;
                String body = "{\"sku\":\"SKU-" + i + "\",\"qty\":1}";
                answers.add(pool.submit(() -> {
                    go.await();
                    return Http.post(server.apply("/api/cart"), body, "Content-Type", "application/json",
                            "Cookie", cookie, "X-Forwarded-For", client);
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> a : answers) {
                HttpResponse<String> r = a.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode cart = json(Http.get(servers.tomcat("/api/cart"), "Cookie", cookie, "X-Forwarded-For", client));
        assertThat(cart.get("items")).hasSize(adds + 1);
        assertThat(cart.get("totalQty").asInt()).isEqualTo(adds + 1);
    }

    @Test
    void redisStoppedAndRestartedMidTest() throws Exception {
        String client = newClient();
        String token = login(servers::jetty, client, "alice", "alice-pw");
        HttpResponse<String> add = Http.post(servers.jetty("/api/cart"), "{\"sku\":\"CUP\",\"qty\":1}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        String cookie = sessionCookie(add);
        redis.stop();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(servers.jetty("/health")).statusCode() == 503);
            assertThat(Http.get(servers.tomcat("/health")).body()).contains("DOWN");
            HttpResponse<String> products = Http.get(servers.tomcat("/api/products/1"), "X-Forwarded-For", client);
            assertThat(products.statusCode()).as("the cache fails open, the rate limit counts locally").isEqualTo(200);
            assertThat(products.headers().firstValue("X-Cache")).hasValue("BYPASS");
            assertThat(products.headers().firstValue("X-RateLimit-Limit")).as("headers on every /api response").hasValue("100");
            assertThat(products.headers().firstValue("X-RateLimit-Remaining")).isPresent();
            HttpResponse<String> me = Http.get(servers.jetty("/api/me"), "Authorization", "Bearer " + token, "X-Forwarded-For", client);
            assertThat(me.statusCode()).as("the blacklist fails closed").isEqualTo(503);
            assertThat(me.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> cart = Http.get(servers.jetty("/api/cart"), "Cookie", cookie, "X-Forwarded-For", client);
            assertThat(cart.statusCode()).as("no forked local session").isEqualTo(503);
            // a brute-force attack during the outage: the login limit still holds, per server
            String attacker = newClient();
            for (Function<String, URI> server : List.<Function<String, URI>>of(servers::jetty, servers::tomcat)) {
                List<Integer> codes = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    codes.add(Http.post(server.apply("/api/auth/login"), "{\"username\":\"alice\",\"password\":\"guess" + i + "\"}",
                            "Content-Type", "application/json", "X-Forwarded-For", attacker).statusCode());
                }
                assertThat(codes).as("5 wrong passwords reach the login, then 429, while Redis is down")
                        .containsExactly(401, 401, 401, 401, 401, 429, 429);
            }
        } finally {
            redis.launch();
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                Http.get(servers.jetty("/health")).statusCode() == 200 && Http.get(servers.tomcat("/health")).statusCode() == 200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                Http.get(servers.tomcat("/api/me"), "Authorization", "Bearer " + token, "X-Forwarded-For", client).statusCode() == 200);
        try (Jedis j = redis.admin()) {
            assertThat(j.ping()).isEqualTo("PONG");
        }
    }
}
