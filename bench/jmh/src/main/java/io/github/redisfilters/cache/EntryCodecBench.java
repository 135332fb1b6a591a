package io.github.redisfilters.cache;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Response cache hot spots: the entry codec (what a HIT decodes, what a MISS encodes; 1 KB JSON
 * body, 6 headers) and the URL key (query sorted, one ignored parameter).
 *
 * <p>Run: {@code cd bench/jmh && mvn -o -B -q package && java -cp "target/classes:target/lib/*" org.openjdk.jmh.Main EntryCodecBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EntryCodecBench {
    private CacheEntry entry;
    private byte[] encoded;
    private CacheKeys keys;

    @Setup
    public void setup() {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; json.length() < 1000; i++) {
            json.append("{\"id\":").append(i).append(",\"name\":\"product ").append(i).append("\",\"price\":9.99},");
        }
        json.setCharAt(json.length() - 1, ']');
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        entry = new CacheEntry(200, System.currentTimeMillis(), 0, 300_000, 0, 0, false, List.of(
                new CacheEntry.Header("Content-Type", "application/json;charset=utf-8"),
                new CacheEntry.Header("ETag", "\"3f2a9c0e1b7d4a5f8e6c2b1a0d9f8e7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e\""),
                new CacheEntry.Header("Cache-Control", "public, max-age=300"),
                new CacheEntry.Header("Vary", "Accept-Encoding"),
                new CacheEntry.Header("Last-Modified", "Sun, 22 Nov 2026 01:00:00 GMT"),
                new CacheEntry.Header("X-Request-Id", "b8c4f3a2-1d2e-4f5a-9b8c-7d6e5f4a3b2c")), body);
        encoded = EntryCodec.encode(entry);
        keys = new CacheKeys("app:", true, List.of("utm_*"));
    }

    @Benchmark
    public byte[] encode() {
        return EntryCodec.encode(entry);
    }

    @Benchmark
    public CacheEntry decode() {
        return EntryCodec.decode(encoded);
    }

    @Benchmark
    public String urlKey() {
        return keys.urlKey("/shop/api/products", "/shop", "sort=price&page=2&utm_source=news&category=books");
    }
}
