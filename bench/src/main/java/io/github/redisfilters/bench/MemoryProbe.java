package io.github.redisfilters.bench;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * Redis memory and commands per 1k keys of each filter: creates {@value #N} keys through the
 * running BenchServer (1k client addresses, 1k cached URLs, 1k sessions) or through the library
 * API (1k revoked tokens), and reads the keys' {@code MEMORY USAGE}, {@code DBSIZE} and
 * {@code INFO commandstats} around it. Writes one tab-separated line per measurement.
 */
public final class MemoryProbe {
    static final int N = 1000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final int port;
    private final RedisClient redis;

    MemoryProbe(int port, RedisClient redis) {
        this.port = port;
        this.redis = redis;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int port = Integer.parseInt(a.get("--port"));
        int redisPort = Integer.parseInt(a.get("--redis-port"));
        Set<String> variants = new HashSet<>();
        for (String line : Files.readAllLines(Path.of(a.get("--variants")), StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                variants.add(line.split("\t", 2)[0]);
            }
        }
        List<String> out = new ArrayList<>();
        try (RedisClient redis = RedisClient.create("127.0.0.1", redisPort)) {
            // the probe runs last: start from an empty keyspace so that expiring keys of the load
            // runs do not blur the deltas (loaded scripts survive FLUSHALL)
            redis.flushAll();
            MemoryProbe p = new MemoryProbe(port, redis);
            if (variants.contains("ratelimit-fixed")) {
                out.add(p.http("rate limit, fixed window", "1k client addresses (X-Forwarded-For via trusted proxy)",
                        i -> req("/ratelimit-fixed/hello").header("X-Forwarded-For", ip(i))));
            }
            if (variants.contains("ratelimit-sliding-counter")) {
                out.add(p.http("rate limit, sliding-window counter", "1k client addresses",
                        i -> req("/ratelimit-sliding-counter/hello").header("X-Forwarded-For", ip(i))));
            }
            if (variants.contains("bucket4j-hot")) {
                out.add(p.http("Bucket4j (peer) token bucket", "1k client addresses",
                        i -> req("/bucket4j-hot/hello").header("X-Forwarded-For", ip(i))));
            }
            if (variants.contains("cache-hit")) {
                out.add(p.http("response cache", "1k distinct URLs, 45-byte JSON body, one MISS+store each",
                        i -> req("/cache-hit/hello?page=" + i)));
            }
            if (variants.contains("session-read")) {
                out.add(p.http("session", "1k new sessions with 2 small String attributes",
                        i -> req("/session-read/login")));
            }
            if (variants.contains("jwt")) {
                out.add(p.revocations("redis://127.0.0.1:" + redisPort));
            }
        }
        Files.write(Path.of(a.get("--out")), out, StandardCharsets.UTF_8);
        out.forEach(System.out::println);
    }

    interface Req {
        HttpRequest.Builder build(int i);
    }

    static HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT[0] + path)).GET();
    }

    private static final int[] PORT = new int[1];

    static String ip(int i) {
        return "10.77." + (i / 250) + "." + (1 + i % 250);
    }

    String http(String what, String how, Req req) throws IOException, InterruptedException {
        PORT[0] = port;
        Snapshot before = snapshot();
        int bad = 0;
        for (int i = 0; i < N; i++) {
            HttpResponse<Void> r = http.send(req.build(i).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                bad++;
            }
        }
        return line(what, how + (bad > 0 ? " (" + bad + " non-200!)" : ""), before, snapshot());
    }

    /** 1k revoked tokens through the library's TokenBlacklist API (reflection: compiles without the jwt package). */
    String revocations(String url) throws Exception {
        SharedRedisClient client = SharedRedisClient.create(RedisSettings.builder().url(url).keyPrefix("bench:").build());
        try {
            Class<?> cfgClass = Class.forName("io.github.redisfilters.jwt.JwtBlacklistConfig");
            Object cfg = cfgClass.getMethod("defaults").invoke(null);
            Class<?> bl = Class.forName("io.github.redisfilters.jwt.TokenBlacklist");
            Object blacklist = bl.getMethod("create", SharedRedisClient.class, cfgClass).invoke(null, client, cfg);
            var revoke = bl.getMethod("revoke", String.class, Instant.class);
            Snapshot before = snapshot();
            Instant exp = Instant.now().plusSeconds(900);
            for (int i = 0; i < N; i++) {
                revoke.invoke(blacklist, UUID.randomUUID().toString(), exp);
            }
            return line("JWT blacklist", "1k revoked jti (TokenBlacklist.revoke(jti, exp), 15 min left)", before,
                    snapshot());
        } finally {
            client.close();
        }
    }

    /**
     * @param keyBytes sum of {@code MEMORY USAGE <key> SAMPLES 0} over the keyspace: the keys'
     *                 own memory, exact, unlike {@code used_memory}, which also moves with client
     *                 buffers and lazily freed memory (its delta came out negative in some runs)
     */
    record Snapshot(long keyBytes, long keys, long commands) {
    }

    Snapshot snapshot() {
        long cmds = 0;
        for (String l : redis.info("commandstats").split("\r?\n")) {
            if (l.startsWith("cmdstat_") && !l.startsWith("cmdstat_info:") && !l.startsWith("cmdstat_dbsize:")
                    && !l.startsWith("cmdstat_memory|") && !l.startsWith("cmdstat_scan:")) { // the probe's own
                int i = l.indexOf("calls=");
                int j = l.indexOf(',', i);
                cmds += Long.parseLong(l.substring(i + 6, j));
            }
        }
        long bytes = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            var page = redis.scan(cursor, new ScanParams().count(1000));
            for (String key : page.getResult()) {
                Long b = redis.memoryUsage(key, 0);
                bytes += b == null ? 0 : b;
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return new Snapshot(bytes, redis.dbSize(), cmds);
    }

    static String line(String what, String how, Snapshot b, Snapshot a) {
        long keys = a.keys() - b.keys();
        double perK = (a.keyBytes() - b.keyBytes()) / (double) N * 1000;
        double cmdsPerKey = keys > 0 ? (a.commands() - b.commands()) / (double) keys : Double.NaN;
        return String.join("\t", what, String.valueOf(keys), String.format(Locale.ROOT, "%,.0f KB", perK / 1024),
                String.format(Locale.ROOT, "%.2f", cmdsPerKey), how);
    }
}
