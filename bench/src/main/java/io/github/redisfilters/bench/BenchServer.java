package io.github.redisfilters.bench;

import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The benchmark application: one embedded Jetty 12 (ee10) server, one context per variant, one
 * Redis. Each context holds {@link AppServlet} behind the filters of its variant, configured
 * through init-params exactly as in a {@code web.xml}. Filters of the library are mounted by class
 * name, so variants whose filter is not in the library jar yet are simply listed as missing.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* io.github.redisfilters.bench.BenchServer
 * --port 18080 --redis redis://127.0.0.1:16379 --variants target/variants.tsv}. After start-up it
 * primes every variant (creates the sessions, fills the cache), checks one request of each and
 * writes the variant list (name, kind, stub, path, headers; tab-separated) for {@code run.sh}.
 */
public final class BenchServer {
    static final String RATELIMIT = "io.github.redisfilters.ratelimit.RateLimitFilter";
    static final String CACHE = "io.github.redisfilters.cache.ResponseCacheFilter";
    static final String JWT = "io.github.redisfilters.jwt.JwtBlacklistFilter";
    static final String SESSION = "io.github.redisfilters.session.RedisSessionFilter";

    /** One mounted variant. {@code setup} is a context-relative path requested once to create a session. */
    record Variant(String name, String kind, String stub, String path, List<String> headers, String setup,
            String expectHeader, String note) {
    }

    private final String redisUrl;
    private final Path tomcatDir;
    private final ContextHandlerCollection contexts = new ContextHandlerCollection();
    private final List<Variant> variants = new ArrayList<>();
    private final Map<String, String> missing = new LinkedHashMap<>();
    private final String bearer = bearerToken();

    BenchServer(String redisUrl, Path tomcatDir) {
        this.redisUrl = redisUrl;
        this.tomcatDir = tomcatDir;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int port = Integer.parseInt(a.getOrDefault("--port", "18080"));
        String redis = a.getOrDefault("--redis", "redis://127.0.0.1:16379");
        Path out = Path.of(a.getOrDefault("--variants", "target/variants.tsv"));
        int threads = Integer.parseInt(a.getOrDefault("--threads", "200"));

        BenchServer bench = new BenchServer(redis, Path.of(a.getOrDefault("--tomcat", "target/tomcat")));
        bench.mountAll();

        QueuedThreadPool pool = new QueuedThreadPool(threads, 8);
        pool.setName("bench");
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(bench.contexts);
        server.start();
        try {
            bench.prime(port, out);
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception ignored) {
                // shutting down anyway
            }
            StubClients.closeAll();
        }));
        System.out.println("BENCH READY port=" + port + " variants=" + bench.variants.size());
        server.join();
    }

    // ----------------------------------------------------------------------------------- variants

    void mountAll() {
        // the practical limits
        mount("bare", "bare", "", "/hello", List.of(), null, "no filter", ctx -> { });
        // the stubs' references: one round trip against none, more against one
        for (int n = 1; n <= 4; n++) {
            int rt = n;
            mount("stub-" + n + "rt", "stub", n == 1 ? "bare" : "stub-1rt", "/hello", List.of(), null,
                    n + " sequential EVALSHA round trip(s), no logic",
                    ctx -> stub(ctx, rt, 1));
        }
        mount("stub-3pipe", "stub", "stub-1rt", "/hello", List.of(), null, "3 EVALSHA in ONE pipelined round trip",
                ctx -> stub(ctx, 1, 3));

        // rate limiting: every request comes from 127.0.0.1, so this is ONE hot key
        mountFilter("ratelimit-fixed", "filter", "stub-1rt", "/hello", List.of(), null, "X-RateLimit-Limit",
                "RateLimitFilter, fixed window, 1 hot key, limit never reached",
                RATELIMIT, Map.of("rules", "bench: /** 1000000000/1m fixed by ip", "trustedProxies", "127.0.0.1/32"));
        mountFilter("ratelimit-sliding-counter", "filter", "stub-1rt", "/hello", List.of(), null, "X-RateLimit-Limit",
                "RateLimitFilter, sliding-window counter, 1 hot key",
                RATELIMIT, Map.of("rules", "bench: /** 1000000000/1m sliding-counter by ip", "trustedProxies", "127.0.0.1/32"));
        mountFilter("ratelimit-2policies", "filter", "stub-1rt", "/hello", List.of(), null, "X-RateLimit-Limit",
                "RateLimitFilter, burst fixed 1s + sustained sliding-counter 1m, one script",
                RATELIMIT, Map.of("rules", "burst: /** 1000000000/1s fixed by ip; sustained: /** 1000000000/1m sliding-counter by ip"));
        mountFilter("ratelimit-token-bucket", "filter", "bucket4j-hot", "/hello", List.of(), null, "X-RateLimit-Limit",
                "RateLimitFilter, token-bucket algorithm (Bucket4j inside), 1 hot key",
                RATELIMIT, Map.of("rules", "bench: /** 1000000000/1m token-bucket by ip"));
        mount("bucket4j-hot", "peer", "stub-2rt", "/hello", List.of(), null,
                "peer: Bucket4j Jedis CAS proxy manager in a minimal filter, 1 hot key",
                ctx -> {
                    FilterHolder h = new FilterHolder(new Bucket4jFilter());
                    h.setInitParameter("forwardedFor", "true");
                    ctx.addFilter(h, "/*", EnumSet.of(DispatcherType.REQUEST));
                });

        mount("tomcat-ratelimit", "peer", "bare", "/hello", List.of(), null,
                "in-process reference: Tomcat's RateLimitFilter (JVM-local counter, no Redis)", ctx -> {
                    FilterHolder h = new FilterHolder(TomcatPeer.rateLimitFilter(tomcatDir));
                    h.setName("tomcatRateLimit");
                    h.setInitParameter("bucketRequests", "1000000000");
                    h.setInitParameter("bucketDuration", "60");
                    ctx.addFilter(h, "/*", EnumSet.of(DispatcherType.REQUEST));
                });

        // response cache
        mountFilter("cache-hit", "filter", "stub-1rt", "/hello", List.of(), null, "X-Cache",
                "ResponseCacheFilter, ttl rule, every request a HIT",
                CACHE, Map.of("rules", "/** 5m"));
        mountFilter("cache-miss", "filter", "stub-2rt", "/hello?unique", List.of(), null, null,
                "ResponseCacheFilter, every request a new URL: MISS + store (vs bare = cost of a miss)",
                CACHE, Map.of("rules", "/** 5m"));
        mount("origin-20ms", "bare", "", "/hello", List.of(), null, "no filter, origin sleeps 20 ms",
                ctx -> { }, Map.of("delayMs", "20"));
        mountFilter("cache-hit-20ms-origin", "filter", "origin-20ms", "/hello", List.of(), null, "X-Cache",
                "ResponseCacheFilter in front of the 20 ms origin, HIT",
                CACHE, Map.of("rules", "/** 5m"), Map.of("delayMs", "20"));

        // JWT blacklist: a valid (not revoked) bearer token on every request
        mountFilter("jwt", "filter", "stub-1rt", "/hello", List.of("Authorization: Bearer " + bearer), null, null,
                "JwtBlacklistFilter, valid token (jti + subject checked)",
                JWT, Map.of("required", "true"));

        // sessions
        mountFilter("session-read", "filter", "stub-1rt", "/hello", List.of(), "/login", null,
                "RedisSessionFilter, getSession(false).getAttribute",
                SESSION, Map.of(), Map.of("session", "read"));
        mountFilter("session-write", "filter", "stub-2rt", "/hello", List.of(), "/login", null,
                "RedisSessionFilter, setAttribute on every request",
                SESSION, Map.of(), Map.of("session", "write"));

        // peer: Spring Session (SessionRepositoryFilter + RedisSessionRepository, Lettuce), by hand
        for (String mode : List.of("read", "write")) {
            mount("spring-session-" + mode, "peer", mode.equals("read") ? "stub-1rt" : "stub-2rt", "/hello", List.of(),
                    "/login", null, "peer: Spring Session 3.4 SessionRepositoryFilter + RedisSessionRepository (Lettuce), "
                            + (mode.equals("read") ? "getAttribute" : "setAttribute every request"),
                    ctx -> {
                        FilterHolder h = new FilterHolder(SpringSessionPeer.filter(redisUrl, "bench:spring-session-" + mode));
                        h.setName("springSessionRepositoryFilter");
                        ctx.addFilter(h, "/*", EnumSet.of(DispatcherType.REQUEST));
                    }, Map.of("session", mode));
        }

        // all four, in the README's recommended order: session, rate limit, JWT, cache. The request
        // carries a bearer token and a session cookie. /hello is a public cached page (Cache-Control:
        // public, as RFC 9111 section 3.5 requires for storing a response to an authorized request): a
        // cache hit never reaches the servlet, so the session is never loaded. /cart is not cached and
        // reads the session. With chain batching every lookup of a request shares one round trip.
        if (has(RATELIMIT) && has(JWT) && has(SESSION) && has(CACHE)) {
            ContextSetup four = ctx -> {
                addFilter(ctx, "session", SESSION, Map.of());
                addFilter(ctx, "rateLimit", RATELIMIT, Map.of("rules", "bench: /** 1000000000/1m fixed by ip"));
                addFilter(ctx, "jwt", JWT, Map.of("required", "true"));
                addFilter(ctx, "cache", CACHE, Map.of("rules", "/hello 5m", "shareAuthorized", "true",
                        "sessionCookies", "SESSION"));
            };
            mount("all-four", "filter", "stub-3pipe", "/hello", List.of("Authorization: Bearer " + bearer), "/login",
                    "X-Cache", "all four; public page, cache HIT (ratelimit + jwt + cache lookups; session untouched)",
                    four, Map.of("cacheControl", "public, max-age=300"));
            mount("all-four-cart", "filter", "stub-3pipe", "/cart", List.of("Authorization: Bearer " + bearer), "/login",
                    "X-Cache", "all four; uncached page reading the session (ratelimit + jwt + session load)",
                    four, Map.of("session", "read"));
        } else {
            missing.put("all-four", "needs all four filters in the library jar");
        }
    }

    interface ContextSetup {
        void apply(ServletContextHandler ctx) throws Exception;
    }

    private void mount(String name, String kind, String stub, String path, List<String> headers, String setup,
            String note, ContextSetup filters) {
        mount(name, kind, stub, path, headers, setup, note, filters, Map.of());
    }

    private void mount(String name, String kind, String stub, String path, List<String> headers, String setup,
            String note, ContextSetup filters, Map<String, String> servletParams) {
        mount(name, kind, stub, path, headers, setup, null, note, filters, servletParams);
    }

    private void mount(String name, String kind, String stub, String path, List<String> headers, String setup,
            String expectHeader, String note, ContextSetup filters, Map<String, String> servletParams) {
        ServletContextHandler ctx = new ServletContextHandler("/" + name, ServletContextHandler.NO_SESSIONS);
        ctx.setInitParameter("redisUrl", redisUrl);
        ctx.setInitParameter("keyPrefix", "bench:" + name + ":");
        try {
            filters.apply(ctx);
        } catch (Exception e) {
            missing.put(name, e.toString());
            return;
        }
        ServletHolder app = new ServletHolder("app", AppServlet.class);
        servletParams.forEach(app::setInitParameter);
        ctx.addServlet(app, "/*");
        contexts.addHandler(ctx);
        variants.add(new Variant(name, kind, stub, "/" + name + path, headers, setup == null ? null : "/" + name + setup,
                expectHeader, note));
    }

    private void mountFilter(String name, String kind, String stub, String path, List<String> headers, String setup,
            String expectHeader, String note, String filterClass, Map<String, String> params) {
        mountFilter(name, kind, stub, path, headers, setup, expectHeader, note, filterClass, params, Map.of());
    }

    private void mountFilter(String name, String kind, String stub, String path, List<String> headers, String setup,
            String expectHeader, String note, String filterClass, Map<String, String> params,
            Map<String, String> servletParams) {
        if (!has(filterClass)) {
            missing.put(name, filterClass + " is not in the library jar yet");
            return;
        }
        mount(name, kind, stub, path, headers, setup, expectHeader, note,
                ctx -> addFilter(ctx, name, filterClass, params), servletParams);
    }

    /** Registers a library filter by class name with init-params, as a web.xml {@code <filter>} would. */
    private static void addFilter(ServletContextHandler ctx, String name, String className, Map<String, String> params) {
        FilterHolder h = new FilterHolder();
        h.setName(name);
        h.setClassName(className);
        params.forEach(h::setInitParameter);
        ctx.addFilter(h, "/*", EnumSet.of(DispatcherType.REQUEST));
    }

    private static void stub(ServletContextHandler ctx, int roundTrips, int pipelined) {
        FilterHolder h = new FilterHolder(StubFilter.class);
        h.setName("stub");
        h.setInitParameter("roundTrips", String.valueOf(roundTrips));
        h.setInitParameter("pipelined", String.valueOf(pipelined));
        ctx.addFilter(h, "/*", EnumSet.of(DispatcherType.REQUEST));
    }

    static boolean has(String className) {
        try {
            Class.forName(className, false, BenchServer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------ priming

    /** Creates sessions, warms caches, checks one request per variant and writes the variant list. */
    void prime(int port, Path out) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> lines = new ArrayList<>();
        for (Variant v : variants) {
            List<String> headers = new ArrayList<>(v.headers());
            if (v.setup() != null) {
                HttpResponse<String> r = http.send(request(port, v.setup(), headers), HttpResponse.BodyHandlers.ofString());
                String cookie = r.headers().allValues("Set-Cookie").stream()
                        .map(c -> c.split(";", 2)[0]).reduce((x, y) -> x + "; " + y).orElse(null);
                if (r.statusCode() != 200 || cookie == null) {
                    missing.put(v.name(), "setup " + v.setup() + " answered " + r.statusCode() + " without a cookie");
                    continue;
                }
                headers.add("Cookie: " + cookie);
            }
            HttpResponse<String> last = null;
            for (int i = 0; i < 3; i++) {
                last = http.send(request(port, v.path().replace("?unique", "?n=prime" + i), headers),
                        HttpResponse.BodyHandlers.ofString());
            }
            String expect = v.expectHeader() == null ? "" : last.headers().firstValue(v.expectHeader()).orElse("(absent)");
            if (last.statusCode() != 200) {
                missing.put(v.name(), "GET " + v.path() + " answered " + last.statusCode() + ": " + last.body());
                continue;
            }
            System.out.println("primed " + v.name() + " -> " + last.statusCode()
                    + (v.expectHeader() == null ? "" : " " + v.expectHeader() + ": " + expect));
            StringBuilder sb = new StringBuilder();
            sb.append(v.name()).append('\t').append(v.kind()).append('\t').append(v.stub().isEmpty() ? "-" : v.stub())
                    .append('\t').append(v.path()).append('\t').append(v.note());
            for (String h : headers) {
                sb.append('\t').append(h);
            }
            lines.add(sb.toString());
        }
        missing.forEach((name, why) -> {
            System.out.println("missing " + name + ": " + why);
            lines.add("#missing\t" + name + "\t" + why);
        });
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, lines, StandardCharsets.UTF_8);
    }

    private static HttpRequest request(int port, String path, List<String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        for (String h : headers) {
            int i = h.indexOf(':');
            b.header(h.substring(0, i).trim(), h.substring(i + 1).trim());
        }
        return b.build();
    }

    /** A well-formed HS256 JWT with jti, sub, iat, exp (+1 day). The blacklist filter does not verify signatures. */
    static String bearerToken() {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = enc.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = enc.encodeToString(("{\"jti\":\"" + UUID.randomUUID() + "\",\"sub\":\"alice\",\"iat\":" + now
                + ",\"exp\":" + (now + 86400) + "}").getBytes(StandardCharsets.UTF_8));
        String sig = enc.encodeToString(new byte[32]);
        return header + "." + payload + "." + sig;
    }
}
