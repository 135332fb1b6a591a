import io.github.redisfilters.cache.ResponseCacheConfig;
import io.github.redisfilters.cache.ResponseCacheFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import redis.clients.jedis.Jedis;

/**
 * Two figures of the response cache at scale (issue 15), measured in one run on one Jetty:
 *
 * <ol>
 *   <li><b>Invalidation cost vs database size.</b> Two Redis servers, one empty and one holding
 *       {@code KEYS} unrelated keys (1,000,000 by default), each behind its own context with the
 *       same cache configuration ({@code POST /api/products} purges {@code /api/products*}). Each
 *       round times {@code N} invalidating POSTs against each, in alternating order, and reports
 *       the median latency per side and the ratio full/empty per round.</li>
 *   <li><b>Hit-for-pass.</b> Bursts of {@code BURST} (20) concurrent GETs of a URL the origin
 *       (50 ms) answers {@code Cache-Control: no-store}: through the cache with hit-for-pass,
 *       through the cache with {@code hitForPass=0s}, and without the filter; wall time per burst,
 *       contexts alternating, medians and the ratio to "no filter".</li>
 * </ol>
 *
 * Run with {@code bench/cache/run.sh} (builds the library, starts its own redis-servers on free
 * ports, never 6379).
 */
public class CacheScaleBench {
    static final int KEYS = Integer.getInteger("keys", 1_000_000);
    static final int ROUNDS = Integer.getInteger("rounds", 7);
    static final int N = Integer.getInteger("n", 300);
    static final int BURST = Integer.getInteger("burst", 20);
    static final int BURSTS = Integer.getInteger("bursts", 41);

    public static void main(String[] args) throws Exception {
        List<Process> redis = new ArrayList<>();
        int empty = freePort();
        int full = freePort();
        redis.add(redis(empty));
        redis.add(redis(full));
        Server server = new Server();
        try {
            waitFor(empty);
            waitFor(full);
            try (Jedis j = new Jedis("127.0.0.1", full, 120_000)) {
                long t = System.nanoTime();
                j.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", Integer.toString(KEYS), "unrelated");
                System.out.printf("filled: %d keys in %d ms%n", j.dbSize(), (System.nanoTime() - t) / 1_000_000);
            }
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            server.setHandler(new Handler.Sequence(
                    context("/empty", empty, true, Duration.ofSeconds(10)),
                    context("/full", full, true, Duration.ofSeconds(10)),
                    context("/nohfp", empty, true, Duration.ZERO),
                    context("/nofilter", empty, false, Duration.ZERO)));
            server.start();
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(BURST * 2)).build();
            invalidation(http, base);
            hitForPass(http, base);
        } finally {
            server.stop();
            for (Process p : redis) {
                p.destroy();
            }
        }
        System.exit(0); // the HTTP client's and Jedis' non-daemon threads would keep the JVM alive
    }

    static void invalidation(HttpClient http, String base) throws Exception {
        for (String side : List.of("/empty", "/full")) {
            for (int i = 0; i < 200; i++) { // warm-up: connections, scripts, JIT
                post(http, base + side + "/api/products");
                get(http, base + side + "/api/products/" + (i % 10));
            }
        }
        List<Double> emptyMedians = new ArrayList<>();
        List<Double> fullMedians = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<String> order = round % 2 == 0 ? List.of("/empty", "/full") : List.of("/full", "/empty");
            double e = 0;
            double f = 0;
            for (String side : order) {
                double m = medianPostMicros(http, base + side);
                if (side.equals("/empty")) {
                    e = m;
                } else {
                    f = m;
                }
            }
            emptyMedians.add(e);
            fullMedians.add(f);
            ratios.add(f / e);
            System.out.printf("invalidation round %d: empty %.0f us, %,d keys %.0f us, ratio %.2f%n", round + 1, e, KEYS, f, f / e);
        }
        System.out.printf("RESULT invalidating POST, median of %d rounds x %d POSTs: empty DB %.0f us, %,d unrelated keys %.0f us,"
                + " ratio per round median %.2f (min %.2f, max %.2f)%n", ROUNDS, N, median(emptyMedians), KEYS,
                median(fullMedians), median(ratios), Collections.min(ratios), Collections.max(ratios));
    }

    /** Median latency of N POSTs, each after re-filling two entries the POST then invalidates. */
    static double medianPostMicros(HttpClient http, String ctx) throws Exception {
        List<Double> micros = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            get(http, ctx + "/api/products/" + (i % 10)); // something under the prefix to purge
            long t = System.nanoTime();
            int status = post(http, ctx + "/api/products");
            micros.add((System.nanoTime() - t) / 1000.0);
            if (status != 201) {
                throw new IllegalStateException("POST answered " + status);
            }
        }
        return median(micros);
    }

    static void hitForPass(HttpClient http, String base) throws Exception {
        List<String> sides = List.of("/nofilter", "/empty", "/nohfp");
        for (String side : sides) {
            burstMillis(http, base + side + "/uncacheable"); // warm-up; the first one marks hit-for-pass
            burstMillis(http, base + side + "/uncacheable");
        }
        java.util.Map<String, List<Double>> times = new java.util.LinkedHashMap<>();
        List<Double> ratios = new ArrayList<>();
        for (int b = 0; b < BURSTS; b++) {
            double none = 0;
            for (String side : b % 2 == 0 ? sides : List.of("/nohfp", "/empty", "/nofilter")) {
                double ms = burstMillis(http, base + side + "/uncacheable");
                times.computeIfAbsent(side, k -> new ArrayList<>()).add(ms);
            }
            ratios.add(times.get("/empty").get(b) / times.get("/nofilter").get(b));
        }
        System.out.printf("RESULT %d concurrent GETs of an uncacheable URL (50 ms origin), median wall time of %d bursts:"
                + " no filter %.0f ms, cache with hit-for-pass %.0f ms (ratio per burst median %.2f, max %.2f),"
                + " cache with hitForPass=0s %.0f ms (%.2fx)%n", BURST, BURSTS, median(times.get("/nofilter")),
                median(times.get("/empty")), median(ratios), Collections.max(ratios), median(times.get("/nohfp")),
                median(times.get("/nohfp")) / median(times.get("/nofilter")));
    }

    static double burstMillis(HttpClient http, String url) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
        long t = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            if (f.get().statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + f.get().statusCode());
            }
        }
        return (System.nanoTime() - t) / 1e6;
    }

    static ServletContextHandler context(String path, int redisPort, boolean cache, Duration hitForPass) {
        ServletContextHandler ctx = new ServletContextHandler(path);
        ctx.setInitParameter("redisUrl", "redis://127.0.0.1:" + redisPort);
        // contexts sharing a Redis must not share keys (a hit-for-pass mark of one would serve the other)
        ctx.setInitParameter("keyPrefix", path.substring(1) + ":");
        if (cache) {
            ResponseCacheConfig config = ResponseCacheConfig.builder()
                    .rules(ResponseCacheConfig.Rule.ttl("/api/products/**", Duration.ofSeconds(60)),
                            ResponseCacheConfig.Rule.standard("/uncacheable"))
                    .invalidations(ResponseCacheConfig.Invalidation.of("/api/products", "/api/products*"))
                    .hitForPass(hitForPass)
                    .build();
            ctx.addFilter(new FilterHolder(new ResponseCacheFilter(config)), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String p = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
                if (p.equals("/uncacheable")) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    resp.setHeader("Cache-Control", "no-store");
                    resp.getWriter().print("{\"now\":" + System.nanoTime() + "}");
                } else if (req.getMethod().equals("POST")) {
                    resp.setStatus(201);
                    resp.getWriter().print("{\"id\":1}");
                } else {
                    resp.setContentType("application/json");
                    resp.getWriter().print("{\"product\":\"" + p + "\"}");
                }
            }
        }), "/");
        return ctx;
    }

    static int post(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static int get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static Process redis(int port) throws IOException {
        Path dir = Files.createTempDirectory("cache-bench-redis");
        return new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--enable-debug-command", "yes", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    }

    static void waitFor(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                j.ping();
                return;
            } catch (RuntimeException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server on " + port + " did not start");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
