package io.github.redisfilters.jwt;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * JWT blacklist hot spots: reading {@code jti}, {@code sub}, {@code iat}, {@code exp} from a typical
 * HS256 token (no signature check), and building the two keys of the blacklist lookup.
 *
 * <p>Run: {@code cd bench/jmh && mvn -o -B -q package && java -cp "target/classes:target/lib/*" org.openjdk.jmh.Main JwtClaimsBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class JwtClaimsBench {
    private String token;
    private BlacklistKeys keys;

    @Setup
    public void setup() {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        String header = enc.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = enc.encodeToString(("{\"iss\":\"https://shop.example\",\"sub\":\"alice\",\"aud\":\"shop-api\","
                + "\"jti\":\"6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b\",\"iat\":1795300000,\"exp\":1795300900,"
                + "\"scope\":\"cart:read cart:write\",\"roles\":[\"customer\"]}").getBytes(StandardCharsets.UTF_8));
        token = header + "." + payload + "." + enc.encodeToString(new byte[32]);
        keys = new BlacklistKeys("app:");
    }

    @Benchmark
    public JwtClaims parseClaims() throws MalformedTokenException {
        return JwtClaims.parse(token);
    }

    @Benchmark
    public List<String> lookupKeys() {
        return keys.subjectKeys("alice", BlacklistKeys.tokenId("6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b", token));
    }
}
