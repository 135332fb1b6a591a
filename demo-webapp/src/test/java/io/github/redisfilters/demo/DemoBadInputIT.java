package io.github.redisfilters.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * What an attacker or a careless client sends the demo: every answer is a 4xx with a problem
 * document (or a 401 challenge), never a 500, on Jetty and on Tomcat.
 */
class DemoBadInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLIENTS = new AtomicInteger(10);
    /** The secret the demo once had in its source; a token signed with it must not work anywhere. */
    private static final String FORMER_BUILT_IN_SECRET = "demo-only-secret-change-me-0123456789abcdef";

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static DemoServers servers;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        servers = DemoServers.start(REDIS.process());
        HttpResponse<String> login = Http.post(servers.jetty("/api/auth/login"), "{\"username\":\"alice\",\"password\":\"alice-pw\"}",
                "Content-Type", "application/json", "X-Forwarded-For", newClient());
        assertThat(login.statusCode()).isEqualTo(200);
        token = JSON.readTree(login.body()).get("token").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    private static String newClient() {
        return "198.51.100." + CLIENTS.incrementAndGet();
    }

    private List<Function<String, URI>> bothServers() {
        return List.of(servers::jetty, servers::tomcat);
    }

    private static void assertProblem(HttpResponse<String> r, int status, String what) throws Exception {
        assertThat(r.statusCode()).as(what + " → " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("status").asInt()).as(what).isEqualTo(status);
        assertThat(problem.get("detail").asText()).as(what).isNotBlank();
        assertThat(r.body()).as(what).doesNotContain("Exception", "\tat ");
    }

    private void postEach(String path, Map<String, String> bodies, int status, boolean withToken) throws Exception {
        for (Function<String, URI> server : bothServers()) {
            for (Map.Entry<String, String> e : bodies.entrySet()) {
                HttpResponse<String> r = withToken
                        ? Http.post(server.apply(path), e.getValue(), "Content-Type", "application/json",
                                "Authorization", "Bearer " + token, "X-Forwarded-For", newClient())
                        : Http.post(server.apply(path), e.getValue(), "Content-Type", "application/json", "X-Forwarded-For", newClient());
                assertProblem(r, status, e.getKey() + " to " + server.apply(path));
            }
        }
    }

    @Test
    void outOfRangeNegativeAndNonFiniteNumbersAreRefusedWith400() throws Exception {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("price 1e400 (beyond double)", "{\"name\":\"Cup\",\"price\":1e400}");
        bodies.put("price 1e2147483648 (beyond BigDecimal)", "{\"name\":\"Cup\",\"price\":1e2147483648}");
        bodies.put("price -1", "{\"name\":\"Cup\",\"price\":-1}");
        bodies.put("price -0.01", "{\"name\":\"Cup\",\"price\":-0.01}");
        bodies.put("price above the maximum", "{\"name\":\"Cup\",\"price\":1000000.01}");
        bodies.put("price 1e-400 (too many decimals)", "{\"name\":\"Cup\",\"price\":1e-400}");
        bodies.put("price 0.001", "{\"name\":\"Cup\",\"price\":0.001}");
        bodies.put("price of 2000 digits", "{\"name\":\"Cup\",\"price\":" + "9".repeat(2000) + "}");
        bodies.put("price NaN (not JSON)", "{\"name\":\"Cup\",\"price\":NaN}");
        bodies.put("price Infinity (not JSON)", "{\"name\":\"Cup\",\"price\":Infinity}");
        bodies.put("price \"NaN\"", "{\"name\":\"Cup\",\"price\":\"NaN\"}");
        bodies.put("price 1e400 in an ignored field", "{\"name\":\"Cup\",\"price\":1,\"extra\":1e2147483648}");
        postEach("/api/products", bodies, 400, true);
    }

    @Test
    void wrongTypesMissingFieldsAndHugeStringsAreRefusedWith400() throws Exception {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("price as a string", "{\"name\":\"Cup\",\"price\":\"12\"}");
        bodies.put("price null", "{\"name\":\"Cup\",\"price\":null}");
        bodies.put("price array", "{\"name\":\"Cup\",\"price\":[1]}");
        bodies.put("price object", "{\"name\":\"Cup\",\"price\":{}}");
        bodies.put("price missing", "{\"name\":\"Cup\"}");
        bodies.put("name a number", "{\"name\":123,\"price\":1}");
        bodies.put("name an array", "{\"name\":[\"Cup\"],\"price\":1}");
        bodies.put("name empty", "{\"name\":\"\",\"price\":1}");
        bodies.put("name blank", "{\"name\":\"   \",\"price\":1}");
        bodies.put("name with a NUL", "{\"name\":\"Cup\\u0000\",\"price\":1}");
        bodies.put("name of no-break and em spaces", "{\"name\":\"\\u00a0\\u2003\",\"price\":1}");
        bodies.put("name of a byte order mark and a zero-width space", "{\"name\":\"\\ufeff\\u200b\",\"price\":1}");
        bodies.put("name with an unpaired surrogate", "{\"name\":\"Cup\\ud800\",\"price\":1}");
        bodies.put("name with a reversed surrogate pair", "{\"name\":\"\\udc00\\ud800\",\"price\":1}");
        bodies.put("name of 10,000 characters", "{\"name\":\"" + "x".repeat(10_000) + "\",\"price\":1}");
        postEach("/api/products", bodies, 400, true);
        HttpResponse<String> unicode = Http.post(servers.tomcat("/api/products"), "{\"name\":\" Tasse \u2615 \ud83d\ude00\\u00a0\",\"price\":1}",
                "Content-Type", "application/json; charset=utf-8", "Authorization", "Bearer " + token, "X-Forwarded-For", newClient());
        assertThat(unicode.statusCode()).as("letters, a BMP symbol and a surrogate pair are a name → " + unicode.body()).isEqualTo(201);
        assertThat(JSON.readTree(unicode.body()).get("name").asText()).isEqualTo("Tasse \u2615 \ud83d\ude00");

        Map<String, String> cart = new LinkedHashMap<>();
        cart.put("qty 1e400", "{\"sku\":\"CUP\",\"qty\":1e400}");
        cart.put("qty beyond int", "{\"sku\":\"CUP\",\"qty\":2147483648}");
        cart.put("qty negative", "{\"sku\":\"CUP\",\"qty\":-3}");
        cart.put("qty fractional", "{\"sku\":\"CUP\",\"qty\":1.5}");
        cart.put("qty a string", "{\"sku\":\"CUP\",\"qty\":\"1\"}");
        cart.put("sku a number", "{\"sku\":5,\"qty\":1}");
        cart.put("sku with spaces", "{\"sku\":\"a b\",\"qty\":1}");
        cart.put("sku of 10,000 characters", "{\"sku\":\"" + "x".repeat(10_000) + "\",\"qty\":1}");
        postEach("/api/cart", cart, 400, false);
    }

    @Test
    void invalidJsonIsRefusedWith400AndOversizedBodiesWith413() throws Exception {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("not JSON", "not json");
        bodies.put("truncated", "{\"name\":");
        bodies.put("empty body", "");
        bodies.put("an array", "[]");
        bodies.put("a string", "\"Cup\"");
        bodies.put("null", "null");
        bodies.put("nested 5000 deep", "[".repeat(5000));
        bodies.put("a valid object then garbage", "{\"name\":\"Cup\",\"price\":1,\"sku\":\"CUP\",\"qty\":1} xyz");
        bodies.put("one brace too many", "{\"name\":\"Cup\",\"price\":1,\"sku\":\"CUP\",\"qty\":1}}");
        bodies.put("two objects", "{\"name\":\"Cup\",\"price\":1,\"sku\":\"CUP\",\"qty\":1}{}");
        bodies.put("a name twice", "{\"name\":\"Cup\",\"price\":1,\"sku\":\"CUP\",\"qty\":1,\"qty\":2}");
        postEach("/api/products", bodies, 400, true);
        postEach("/api/cart", bodies, 400, false);
        postEach("/api/auth/login", Map.of("not JSON", "not json", "an array", "[]",
                "a user name twice", "{\"username\":\"mallory\",\"password\":\"alice-pw\",\"username\":\"alice\"}"), 400, false);

        byte[] invalidUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        for (Function<String, URI> server : bothServers()) {
            assertProblem(Http.send(HttpRequest.newBuilder(server.apply("/api/cart")).POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8)),
                    "Content-Type", "application/json", "X-Forwarded-For", newClient()), 400, "invalid UTF-8");
        }

        String big = "{\"name\":\"" + "x".repeat(20_000) + "\",\"price\":1}";
        postEach("/api/products", Map.of("20 KB body", big), 413, true);
        postEach("/api/cart", Map.of("20 KB body", big), 413, false);
    }

    @Test
    void aCartCannotGrowWithoutBound() throws Exception {
        String client = newClient();
        String cookie = null;
        for (int i = 0; i < CartServlet.MAX_ITEMS; i++) {
            HttpResponse<String> r = Http.post(servers.jetty("/api/cart"), "{\"sku\":\"SKU-" + i + "\",\"qty\":1}",
                    cookie == null ? new String[] {"Content-Type", "application/json", "X-Forwarded-For", client}
                            : new String[] {"Content-Type", "application/json", "X-Forwarded-For", client, "Cookie", cookie});
            assertThat(r.statusCode()).isEqualTo(200);
            if (cookie == null) {
                cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            }
        }
        assertProblem(Http.post(servers.tomcat("/api/cart"), "{\"sku\":\"ONE-MORE\",\"qty\":1}",
                "Content-Type", "application/json", "X-Forwarded-For", client, "Cookie", cookie), 400, "item 51");
        assertProblem(Http.post(servers.tomcat("/api/cart"), "{\"sku\":\"SKU-0\",\"qty\":1000}",
                "Content-Type", "application/json", "X-Forwarded-For", client, "Cookie", cookie), 400, "1001 of one item");
        HttpResponse<String> same = Http.post(servers.jetty("/api/cart"), "{\"sku\":\"SKU-0\",\"qty\":999}",
                "Content-Type", "application/json", "X-Forwarded-For", client, "Cookie", cookie);
        assertThat(same.statusCode()).as("up to 1000 of one item").isEqualTo(200);
    }

    private static String sign(Map<String, Object> claims, byte[] key) {
        return JWT.create().withPayload(claims).sign(Algorithm.HMAC256(key));
    }

    private static Map<String, Object> claims(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                m.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return m;
    }

    @Test
    void validlySignedTokensWithMissingOrOddClaimsGet401NotA500() throws Exception {
        long now = Instant.now().getEpochSecond();
        String jti = UUID.randomUUID().toString();
        byte[] key = servers.secret();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("no sub", sign(claims("jti", jti, "iat", now, "exp", now + 600), key));
        tokens.put("sub a number", sign(claims("jti", jti, "sub", 42, "iat", now, "exp", now + 600), key));
        tokens.put("sub an object", sign(claims("jti", jti, "sub", Map.of("name", "alice"), "iat", now, "exp", now + 600), key));
        tokens.put("sub empty", sign(claims("jti", jti, "sub", "", "iat", now, "exp", now + 600), key));
        tokens.put("sub of 1,000 characters", sign(claims("jti", jti, "sub", "a".repeat(1_000), "iat", now, "exp", now + 600), key));
        tokens.put("no exp", sign(claims("jti", jti, "sub", "alice", "iat", now), key));
        tokens.put("exp a string", sign(claims("jti", jti, "sub", "alice", "iat", now, "exp", "tomorrow"), key));
        tokens.put("exp 1e20", sign(claims("jti", jti, "sub", "alice", "iat", now, "exp", 1e20), key));
        tokens.put("no iat", sign(claims("jti", jti, "sub", "alice", "exp", now + 600), key));
        tokens.put("iat in the year 3000", sign(claims("jti", jti, "sub", "alice", "iat", 32_503_680_000L, "exp", now + 600), key));
        tokens.put("no jti", sign(claims("sub", "alice", "iat", now, "exp", now + 600), key));
        tokens.put("signed with the secret the demo once had in its source",
                sign(claims("jti", jti, "sub", "root", "iat", now, "exp", now + 600), FORMER_BUILT_IN_SECRET.getBytes(StandardCharsets.UTF_8)));
        for (Function<String, URI> server : bothServers()) {
            for (Map.Entry<String, String> e : tokens.entrySet()) {
                for (String[] request : new String[][] {{"GET", "/api/me"}, {"POST", "/api/products"},
                        {"POST", "/api/auth/logout"}, {"POST", "/api/auth/logout-all"}}) {
                    URI uri = server.apply(request[1]);
                    HttpResponse<String> r = Http.method(request[0], uri, request[0].equals("POST") ? "{\"name\":\"Cup\",\"price\":1}" : null,
                            "Content-Type", "application/json", "Authorization", "Bearer " + e.getValue(), "X-Forwarded-For", newClient());
                    String what = e.getKey() + ": " + request[0] + " " + uri;
                    assertThat(r.statusCode()).as(what + " → " + r.body()).isIn(400, 401);
                    assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).as(what).contains("invalid_");
                    assertThat(r.body()).as(what).doesNotContain("Exception", "\tat ");
                }
            }
        }
        HttpResponse<String> good = Http.get(servers.tomcat("/api/me"), "Authorization", "Bearer "
                + sign(claims("jti", jti, "sub", "alice", "iat", now, "exp", now + 600), key), "X-Forwarded-For", newClient());
        assertThat(good.statusCode()).as("the same claims with a sub are accepted: the key is right").isEqualTo(200);
    }

    @Test
    void unreadableProductsStoredInRedisAreLeftOutNotA500() throws Exception {
        try (Jedis j = REDIS.process().admin()) {
            j.hset("demo:shop:products", Map.of(
                    "201", "not json",
                    "202", "5",
                    "203", "[1]",
                    "204", "{\"id\":204}",
                    "205", "{\"id\":\"x\",\"name\":1,\"price\":\"free\"}",
                    "not-a-number", "{\"id\":1,\"name\":\"Mug\",\"price\":1}",
                    "206", "{\"id\":206,\"name\":\"" + "x".repeat(21_000_000) + "\",\"price\":1}",
                    "207", "{\"id\":207,\"name\":\"Saucer\",\"price\":3.5}"));
        }
        for (Function<String, URI> server : bothServers()) {
            HttpResponse<String> list = Http.get(server.apply("/api/products"), "X-Forwarded-For", newClient());
            assertThat(list.statusCode()).as("list → " + list.body()).isEqualTo(200);
            JsonNode products = JSON.readTree(list.body()).get("products");
            assertThat(products.findValuesAsText("name")).as("the seed and the one readable stored product")
                    .containsExactly("Espresso cup", "French press", "Coffee beans 1kg", "Milk jug", "Grinder", "Saucer");
            for (String id : new String[] {"201", "202", "203", "204", "205", "206"}) {
                assertProblem(Http.get(server.apply("/api/products/" + id), "X-Forwarded-For", newClient()), 404, "stored garbage " + id);
            }
            assertThat(Http.get(server.apply("/api/products/207"), "X-Forwarded-For", newClient()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anExhaustedOrCorruptProductSequenceRefusesNewProductsWith503() throws Exception {
        for (String sequence : new String[] {"9223372036854775800", "9223372036854775807", "-500", "not a number"}) {
            try (Jedis j = REDIS.process().admin()) {
                j.set("demo:shop:product-seq", sequence);
            }
            for (Function<String, URI> server : bothServers()) {
                HttpResponse<String> r = Http.post(server.apply("/api/products"), "{\"name\":\"Cup\",\"price\":1}",
                        "Content-Type", "application/json", "Authorization", "Bearer " + token, "X-Forwarded-For", newClient());
                assertProblem(r, 503, "sequence " + sequence + " on " + server.apply(""));
            }
        }
    }

    @Test
    void methodsAResourceDoesNotTakeAre405ProblemDocumentsThatSayWhatIsAllowed() throws Exception {
        String[][] requests = {
            {"PUT", "/api/cart", "GET"}, {"DELETE", "/api/products/1", "GET"}, {"PUT", "/api/products", "POST"},
            {"GET", "/api/auth/login", "POST"}, {"DELETE", "/api/me", "GET"}, {"GET", "/api/auth/logout-all", "POST"},
            {"POST", "/health", "GET"}, {"POST", "/metrics", "GET"}, {"PUT", "/", "GET"},
            {"PATCH", "/api/products/1", "GET"}, {"BREW", "/api/cart", "POST"}};
        for (Function<String, URI> server : bothServers()) {
            for (String[] r : requests) {
                String what = r[0] + " " + server.apply(r[1]);
                HttpResponse<String> answer = Http.method(r[0], server.apply(r[1]), r[0].equals("GET") ? null : "{}",
                        "Content-Type", "application/json", "X-Forwarded-For", newClient());
                assertProblem(answer, 405, what);
                assertThat(answer.headers().firstValue("Allow").orElse("")).as(what).contains(r[2]);
            }
            // the library's status servlet is not the demo's: the application's error page still answers
            assertProblem(Http.post(server.apply("/admin/redis-filters"), "{}", "X-Forwarded-For", newClient()), 405,
                    "POST " + server.apply("/admin/redis-filters"));
        }
    }

    @Test
    void aLogoutAllThatFailsHalfwayCanBeRetriedWithTheSameToken() throws Exception {
        String client = newClient();
        HttpResponse<String> login = Http.post(servers.jetty("/api/auth/login"), "{\"username\":\"bob\",\"password\":\"bob-pw\"}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertThat(login.statusCode()).isEqualTo(200);
        String bob = JSON.readTree(login.body()).get("token").asText();
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(Http.post(servers.tomcat("/api/cart"), "{\"sku\":\"CUP\",\"qty\":1}",
                "Content-Type", "application/json", "X-Forwarded-For", client, "Cookie", cookie).statusCode()).isEqualTo(200);

        // foreign data where the session filter keeps bob's session index: finding his sessions fails
        String index = "demo:session:principal:bob";
        byte[] saved;
        try (Jedis j = REDIS.process().admin()) {
            saved = j.dump(index);
            assertThat(saved).as("the login indexed bob's session").isNotNull();
            j.set(index, "not a sorted set");
        }
        assertProblem(Http.post(servers.jetty("/api/auth/logout-all"), "", "Authorization", "Bearer " + bob, "X-Forwarded-For", client),
                503, "logout-all while the session index is unreadable");
        try (Jedis j = REDIS.process().admin()) {
            j.del(index);
            j.restore(index, 0, saved);
        }

        assertThat(Http.post(servers.tomcat("/api/auth/logout-all"), "", "Authorization", "Bearer " + bob, "X-Forwarded-For", client)
                .statusCode()).as("the retry with the same token").isEqualTo(204);
        assertThat(Http.get(servers.jetty("/api/me"), "Authorization", "Bearer " + bob, "X-Forwarded-For", client).statusCode())
                .isEqualTo(401);
        HttpResponse<String> cart = Http.get(servers.jetty("/api/cart"), "Cookie", cookie, "X-Forwarded-For", client);
        assertThat(JSON.readTree(cart.body()).get("items")).as("bob's session is gone").isEmpty();
    }

    @Test
    void pathsEndingInAJspExtensionAre404NotA500() throws Exception {
        // Jetty's default descriptor maps these to a JSP servlet its distribution does not enable
        // by default (and Tomcat's to Jasper): the demo has no JSP, so they are unknown paths.
        for (Function<String, URI> server : bothServers()) {
            for (String path : new String[] {"/x.jsp", "/api/x.jsp", "/api/products/1.jsp", "/index.jspx", "/a.jspf", "/a.xsp"}) {
                assertProblem(Http.get(server.apply(path), "X-Forwarded-For", newClient()), 404, "GET " + server.apply(path));
            }
        }
    }

    @Test
    void oddProductIdsAre404() throws Exception {
        for (Function<String, URI> server : bothServers()) {
            for (String id : new String[] {"-1", "0", "99999999999999999999999", "1e3", "abc", "1.0", "%20"}) {
                assertProblem(Http.get(server.apply("/api/products/" + id), "X-Forwarded-For", newClient()), 404, "id " + id);
            }
        }
    }
}
