package io.github.redisfilters.session;

import java.io.IOException;
import java.util.ArrayList;
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
 * Session hot spots: encoding and decoding typical attribute values (a user name, a counter, a
 * small cart list) with the JDK-serialization codec (allow-list checked) and the JSON codec, and
 * the session-id format check every request with a session cookie makes.
 *
 * <p>Run: {@code cd bench/jmh && mvn -o -B -q package && java -cp "target/classes:target/lib/*" org.openjdk.jmh.Main SessionCodecBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionCodecBench {
    private final JdkSerializationCodec jdk = new JdkSerializationCodec(List.of());
    private final JsonCodec json = new JsonCodec(List.of());
    private final String user = "alice";
    private final Long counter = 123456L;
    private ArrayList<String> cart;
    private byte[] jdkUser;
    private byte[] jdkCounter;
    private byte[] jdkCart;
    private byte[] jsonUser;
    private byte[] jsonCounter;
    private byte[] jsonCart;

    private final String sessionId = new SessionIds().next();

    @Benchmark
    public boolean sessionIdWellFormed() {
        return SessionIds.wellFormed(sessionId);
    }

    @Setup
    public void setup() {
        cart = new ArrayList<>(List.of("sku-1:2", "sku-7:1", "sku-42:3"));
        jdkUser = jdk.encode(user);
        jdkCounter = jdk.encode(counter);
        jdkCart = jdk.encode(cart);
        jsonUser = json.encode(user);
        jsonCounter = json.encode(counter);
        jsonCart = json.encode(cart);
    }

    @Benchmark
    public byte[] jdkEncodeString() {
        return jdk.encode(user);
    }

    @Benchmark
    public Object jdkDecodeString() throws IOException, ClassNotFoundException {
        return jdk.decode(jdkUser);
    }

    @Benchmark
    public byte[] jdkEncodeLong() {
        return jdk.encode(counter);
    }

    @Benchmark
    public Object jdkDecodeLong() throws IOException, ClassNotFoundException {
        return jdk.decode(jdkCounter);
    }

    @Benchmark
    public byte[] jdkEncodeList() {
        return jdk.encode(cart);
    }

    @Benchmark
    public Object jdkDecodeList() throws IOException, ClassNotFoundException {
        return jdk.decode(jdkCart);
    }

    @Benchmark
    public byte[] jsonEncodeString() {
        return json.encode(user);
    }

    @Benchmark
    public Object jsonDecodeString() throws IOException, ClassNotFoundException {
        return json.decode(jsonUser);
    }

    @Benchmark
    public byte[] jsonEncodeLong() {
        return json.encode(counter);
    }

    @Benchmark
    public Object jsonDecodeLong() throws IOException, ClassNotFoundException {
        return json.decode(jsonCounter);
    }

    @Benchmark
    public byte[] jsonEncodeList() {
        return json.encode(cart);
    }

    @Benchmark
    public Object jsonDecodeList() throws IOException, ClassNotFoundException {
        return json.decode(jsonCart);
    }
}
