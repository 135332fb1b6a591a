import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.ratelimit.RateLimitConfig;
import io.github.redisfilters.ratelimit.RateLimitFilter;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * HTTP load benchmark of RateLimitFilter against hand-written filters that make exactly one
 * EVALSHA per request, in the same run, on Jetty with a real Redis; wrk generates the load. The
 * baselines: a minimal INCR + PEXPIRE script (window from the first hit, one header), and a
 * minimal implementation of what the filter's fixed window promises (window aligned on the Redis
 * clock, denied hits given back, three X-RateLimit-* headers). Variants run in alternating
 * rounds; each variant's ratio to a baseline is taken within a round (so both saw the same
 * machine), and the median and range of those ratios are reported, with the JVM's and Redis's
 * CPU time per request and the hypervisor's steal per round. Run with bench/ratelimit/run.sh.
 */
public class RateLimitBench {
    static final String INCR = "local c = redis.call('INCR', KEYS[1]) "
            + "if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return c";

    /**
     * The baseline: one EVALSHA per request, nothing else (no breaker, no headers, no rules). Both
     * baselines run their script with the library's {@code evalOn} (EVALSHA, EVAL on NOSCRIPT),
     * what a hand-written filter would do too.
     */
    public static final class HandWrittenFilter implements Filter {
        private final UnifiedJedis jedis;
        private final LuaScript script = LuaScript.of("incr", INCR);

        HandWrittenFilter(UnifiedJedis jedis) {
            this.jedis = jedis;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            String key = "hand:{" + req.getRemoteAddr() + "}";
            long n = (Long) SharedRedisClient.evalOn(jedis, script, List.of(key), List.of("3600000"));
            ((HttpServletResponse) res).setHeader("X-RateLimit-Remaining", Long.toString(1_000_000_000L - n));
            chain.doFilter(req, res);
        }
    }

    /** Redis-clock aligned fixed window, the minimum our fixed-window contract needs. */
    static final String ALIGNED = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
            + "local w = tonumber(ARGV[2]) local idx = math.floor(now / w) "
            + "local c = redis.call('HINCRBY', KEYS[1], idx, '1') "
            + "if c == 1 then redis.call('PEXPIRE', KEYS[1], (idx + 1) * w - now + 1000) end "
            + "if c > tonumber(ARGV[1]) then redis.call('HINCRBY', KEYS[1], idx, '-1') end return { now, c }";

    /**
     * A second baseline: still one EVALSHA and nothing else (no rules, breaker, metrics, proxies),
     * but with what RateLimitFilter's fixed window promises: windows aligned on the Redis clock, a
     * denied request consumes nothing, and the three X-RateLimit-* headers.
     */
    public static final class HandWrittenAlignedFilter implements Filter {
        private final UnifiedJedis jedis;
        private final LuaScript script = LuaScript.of("aligned", ALIGNED);

        HandWrittenAlignedFilter(UnifiedJedis jedis) {
            this.jedis = jedis;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            String key = "aligned:{" + req.getRemoteAddr() + "}";
            List<?> r = (List<?>) SharedRedisClient.evalOn(jedis, script, List.of(key), List.of("1000000000", "3600000"));
            long now = (Long) r.get(0);
            long n = (Long) r.get(1);
            HttpServletResponse response = (HttpServletResponse) res;
            response.setHeader("X-RateLimit-Limit", "1000000000");
            response.setHeader("X-RateLimit-Remaining", Long.toString(1_000_000_000L - n));
            response.setHeader("X-RateLimit-Reset", Long.toString((now / 3600000 + 1) * 3600));
            chain.doFilter(req, res);
        }
    }

    static final class Ok extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print("ok");
        }
    }

    public static void main(String[] args) throws Exception {
        if ("hotkey".equals(System.getProperty("mode"))) {
            hotKey();
            return;
        }
        int rounds = Integer.parseInt(System.getProperty("rounds", "3"));
        String duration = System.getProperty("duration", "5s");
        String connections = System.getProperty("connections", "16");
        String warmup = System.getProperty("warmup", "10s");
        try (RedisProcess redis = RedisProcess.start()) {
            RedisSettings settings = RedisSettings.builder().url(redis.url()).poolSize(64).build();
            redis.clients.jedis.ConnectionPoolConfig rawPool = new redis.clients.jedis.ConnectionPoolConfig();
            rawPool.setMaxTotal(64); // same pool as the library's client
            rawPool.setMaxIdle(64);
            UnifiedJedis raw = RedisClient.builder().hostAndPort(redis.hostAndPort()).poolConfig(rawPool).build();
            redis.clients.jedis.ConnectionPoolConfig tunedPool = new redis.clients.jedis.ConnectionPoolConfig();
            tunedPool.setMaxTotal(64);
            tunedPool.setMaxIdle(64);
            tunedPool.setCollectDetailedStatistics(false); // as the library's own pool
            UnifiedJedis tuned = RedisClient.builder().hostAndPort(redis.hostAndPort()).poolConfig(tunedPool).build();
            Map<String, ServletContainer> apps = new LinkedHashMap<>();
            apps.put("bare servlet", ContainerKind.JETTY.start(ctx -> ctx.addServlet("ok", new Ok()).addMapping("/*")));
            apps.put("hand-written 1x EVALSHA", ContainerKind.JETTY.start(ctx -> {
                ctx.addFilter("hand", new HandWrittenFilter(raw)).addMappingForUrlPatterns(null, false, "/*");
                ctx.addServlet("ok", new Ok()).addMapping("/*");
            }));
            apps.put("hand-written, pool tuned as the library's", ContainerKind.JETTY.start(ctx -> {
                ctx.addFilter("hand", new HandWrittenFilter(tuned)).addMappingForUrlPatterns(null, false, "/*");
                ctx.addServlet("ok", new Ok()).addMapping("/*");
            }));
            apps.put("hand-written aligned window + 3 headers", ContainerKind.JETTY.start(ctx -> {
                ctx.addFilter("hand", new HandWrittenAlignedFilter(raw)).addMappingForUrlPatterns(null, false, "/*");
                ctx.addServlet("ok", new Ok()).addMapping("/*");
            }));
            apps.put("RateLimitFilter fixed", app(settings, "b: /** 1000000000/1h fixed"));
            apps.put("RateLimitFilter fixed, headers=none", app(RateLimitConfig.builder()
                    .rules("b: /** 1000000000/1h fixed").headers(RateLimitConfig.Headers.NONE).redis(settings).build()));
            apps.put("RateLimitFilter sliding-counter", app(settings, "b: /** 1000000000/1h sliding-counter"));
            apps.put("RateLimitFilter 3 policies (burst+sustained+daily)", app(settings,
                    "b: /** 1000000000/1s fixed, 1000000000/1h sliding-counter; d: /** 1000000000/1d fixed"));
            apps.put("RateLimitFilter sliding log (1s window)", app(settings, "b: /** 1000000000/1s sliding"));
            String only = System.getProperty("only");
            if (only != null) {
                apps.entrySet().removeIf(e -> {
                    boolean drop = !e.getKey().contains(only) && !e.getKey().startsWith("hand");
                    if (drop) {
                        e.getValue().close();
                    }
                    return drop;
                });
            }
            Map<String, List<Double>> results = new LinkedHashMap<>();
            Map<String, List<Double>> ratios = new LinkedHashMap<>();
            Map<String, List<double[]>> cpu = new LinkedHashMap<>();
            for (String name : apps.keySet()) {
                wrk(apps.get(name).uri("/x").toString(), warmup, connections); // JIT warm-up
                results.put(name, new ArrayList<>());
                ratios.put(name, new ArrayList<>());
                cpu.put(name, new ArrayList<>());
            }
            String hand = "hand-written 1x EVALSHA";
            String aligned = "hand-written aligned window + 3 headers";
            Map<String, List<Double>> vsAligned = new LinkedHashMap<>();
            apps.keySet().forEach(name -> vsAligned.put(name, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                Map<String, Double> round = new LinkedHashMap<>();
                for (Map.Entry<String, ServletContainer> e : apps.entrySet()) {
                    long jvm0 = jvmCpuNanos();
                    double redis0 = redisCpuSeconds(redis);
                    long steal0 = stealTicks();
                    double[] w = wrkRun(e.getValue().uri("/x").toString(), duration, connections);
                    double jvmUs = (jvmCpuNanos() - jvm0) / 1e3 / w[1];
                    double redisUs = (redisCpuSeconds(redis) - redis0) * 1e6 / w[1];
                    long steal = stealTicks() - steal0;
                    results.get(e.getKey()).add(w[0]);
                    cpu.get(e.getKey()).add(new double[] {jvmUs, redisUs});
                    round.put(e.getKey(), w[0]);
                    System.out.printf("round %d  %-52s %8.0f req/s  CPU/request JVM %5.1f us + Redis %5.1f us  (steal %d ticks)%n",
                            r + 1, e.getKey(), w[0], jvmUs, redisUs, steal);
                }
                round.forEach((name, rps) -> ratios.get(name).add(rps / round.get(hand)));
                if (round.containsKey(aligned)) {
                    round.forEach((name, rps) -> vsAligned.get(name).add(rps / round.get(aligned)));
                }
            }
            System.out.printf("%nmedians over %d rounds (wrk -t1 -c%s -d%s, Jetty %s, one JVM, 2 shared cores);%n"
                    + "ratio = this variant's req/s over the hand-written filter's in the same round (median, min-max):%n",
                    rounds, connections, duration, org.eclipse.jetty.server.Server.getVersion());
            for (Map.Entry<String, List<Double>> e : results.entrySet()) {
                List<Double> q = ratios.get(e.getKey());
                List<double[]> c = cpu.get(e.getKey());
                List<Double> a = vsAligned.get(e.getKey());
                System.out.printf("  %-46s %7.0f req/s  %.2fx (%.2f-%.2f) of hand-written%s  CPU/request JVM %5.1f + Redis %5.1f us%n",
                        e.getKey(), median(e.getValue()), median(q), q.stream().min(Double::compare).orElseThrow(),
                        q.stream().max(Double::compare).orElseThrow(),
                        a.isEmpty() ? "" : String.format(", %.2fx (%.2f-%.2f) of aligned", median(a),
                                a.stream().min(Double::compare).orElseThrow(), a.stream().max(Double::compare).orElseThrow()),
                        median(c.stream().map(x -> x[0]).toList()), median(c.stream().map(x -> x[1]).toList()));
            }
            apps.values().forEach(ServletContainer::close);
            raw.close();
            tuned.close();
        }
    }

    /**
     * One hot key, many threads, no HTTP: Redis commands and wall time per admitted request for
     * Bucket4j's compare-and-swap token bucket and for our one-script check.
     */
    static void hotKey() throws Exception {
        int threads = Integer.parseInt(System.getProperty("threads", "64"));
        int perThread = Integer.parseInt(System.getProperty("perThread", "300"));
        try (RedisProcess redis = RedisProcess.start()) {
            redis.clients.jedis.ConnectionPoolConfig pool = new redis.clients.jedis.ConnectionPoolConfig();
            pool.setMaxTotal(threads);
            pool.setMaxIdle(threads);
            UnifiedJedis jedis = RedisClient.builder().hostAndPort(redis.hostAndPort()).poolConfig(pool).build();
            var proxies = io.github.bucket4j.redis.jedis.Bucket4jJedis.casBasedBuilder(jedis).build();
            var conf = io.github.bucket4j.BucketConfiguration.builder()
                    .addLimit(l -> l.capacity(1_000_000_000L).refillGreedy(1_000_000_000L, java.time.Duration.ofHours(1))).build();
            byte[] key = "hot:{bucket}".getBytes();
            run("Bucket4j CAS token bucket (no queueing)", redis, threads, perThread,
                    () -> proxies.builder().build(key, conf).tryConsume(1));
            java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
            run("Bucket4j CAS token bucket, queued per key per JVM", redis, threads, perThread, () -> {
                lock.lock();
                try {
                    return proxies.builder().build(key, conf).tryConsume(1);
                } finally {
                    lock.unlock();
                }
            });
            LuaScript check = LuaScript.fromResource(RateLimitFilter.class, "lua/check.lua");
            java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
            LuaScript incr = LuaScript.of("incr", INCR);
            for (int round = 0; round < 2; round++) {
                run("hand-written INCR+PEXPIRE script", redis, threads, perThread, () ->
                        (Long) SharedRedisClient.evalOn(jedis, incr, List.of("hot:{hand}"), List.of("3600000")) > 0);
                for (String alg : List.of("f", "c", "l")) {
                    run("our check.lua, algorithm " + alg, redis, threads, perThread, () -> {
                        List<String> a = List.of("", "n" + seq.incrementAndGet(), alg, "1000000000", alg.equals("l") ? "1000" : "3600000");
                        List<?> r = (List<?>) SharedRedisClient.evalOn(jedis, check, List.of("hot:{ours}:" + alg), a);
                        return ((Long) r.get(0)) == 1L;
                    });
                }
            }
            jedis.close();
        }
    }

    static void run(String name, RedisProcess redis, int threads, int perThread,
            java.util.concurrent.Callable<Boolean> op) throws Exception {
        redis.resetStats();
        java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    try {
                        if (op.call()) {
                            ok.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (var f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Map<String, Long> stats = redis.commandStats();
        // commandstats also counts commands run inside scripts: Bucket4j's CAS script reads the key
        // once (GET) and writes it (SET), so client round trips = scripts + the GETs outside them
        long scripts = stats.getOrDefault("evalsha", 0L) + stats.getOrDefault("eval", 0L);
        long clientCommands = scripts + Math.max(0, stats.getOrDefault("get", 0L) - stats.getOrDefault("eval", 0L));
        System.out.printf("%-52s admitted %6d  errors %4d  %8.0f ops/s  client round trips per admitted %.2f  (%s)%n",
                name, ok.get(), errors.get(), ok.get() / secs, clientCommands / (double) Math.max(1, ok.get()),
                stats.entrySet().stream().filter(e -> List.of("evalsha", "eval", "get", "set").contains(e.getKey()))
                        .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
    }

    static ServletContainer app(RedisSettings settings, String rules) {
        return app(RateLimitConfig.builder().rules(rules).redis(settings).build());
    }

    static ServletContainer app(RateLimitConfig config) {
        return ContainerKind.JETTY.start(ctx -> {
            ctx.addFilter("rateLimit", new RateLimitFilter(config)).addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("ok", new Ok()).addMapping("/*");
        });
    }

    static double wrk(String url, String duration, String connections) throws Exception {
        return wrkRun(url, duration, connections)[0];
    }

    /** Runs wrk; returns {requests per second, requests}. */
    static double[] wrkRun(String url, String duration, String connections) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + duration, url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        Matcher n = Pattern.compile("([0-9]+) requests in").matcher(out);
        if (!m.find() || !n.find()) {
            throw new IllegalStateException("wrk output not understood:\n" + out);
        }
        if (out.contains("Non-2xx")) {
            throw new IllegalStateException("non-2xx responses in the benchmark:\n" + out);
        }
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(n.group(1))};
    }

    /** CPU time of this JVM (Jetty, the filters, the Redis clients) in nanoseconds. */
    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of redis-server (user + system), from INFO cpu, in seconds. */
    static double redisCpuSeconds(RedisProcess redis) {
        try (redis.clients.jedis.Jedis j = redis.admin()) {
            double total = 0;
            for (String line : j.info("cpu").split("\\r?\\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return total;
        }
    }

    /** Clock ticks the hypervisor took from this machine's CPUs (/proc/stat "steal"), -1 if unknown. */
    static long stealTicks() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[8]);
        } catch (Exception e) {
            return -1;
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }
}
