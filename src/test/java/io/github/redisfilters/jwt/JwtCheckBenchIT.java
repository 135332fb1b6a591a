package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.testing.RedisProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The full blacklist check (parse claims, plan, one MGET of two keys, decide) against the
 * cheapest possible Redis check, one EXISTS, on the same client. Run on demand:
 * {@code mvn -o -B verify -Dtest=NONE -Dit.test=JwtCheckBenchIT -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 * Prints medians; asserts only that both sides cost one command per check.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class JwtCheckBenchIT {
    static final int N = 20_000;

    @Test
    void blacklistCheckVersusOneExists() {
        try (RedisProcess redis = RedisProcess.start()) {
            SharedRedisClient client = SharedRedisClient.create(RedisSettings.builder().url(redis.url()).build());
            TokenBlacklist blacklist = TokenBlacklist.create(client, JwtBlacklistConfig.defaults());
            String token = TestTokens.fresh("alice");
            blacklist.revokeAllFor("alice", java.time.Instant.now().minusSeconds(3600));
            String stubKey = "rsf:jwt:stub";
            Runnable check = () -> blacklist.isRevoked(token);
            Runnable stub = () -> client.call(j -> j.exists(stubKey));
            run(check, N);
            run(stub, N); // warm-up
            redis.resetStats();
            run(check, 1000);
            assertThat(redis.totalCommands()).isEqualTo(1000);
            redis.resetStats();
            run(stub, 1000);
            assertThat(redis.totalCommands()).isEqualTo(1000);
            List<Double> checkUs = new ArrayList<>();
            List<Double> stubUs = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                checkUs.add(run(check, N));
                stubUs.add(run(stub, N));
            }
            double c = median(checkUs);
            double s = median(stubUs);
            System.out.printf("BENCH jwt check: median %.1f us/op; one EXISTS stub: median %.1f us/op; ratio %.2f (rounds %s vs %s)%n",
                    c, s, c / s, checkUs, stubUs);
            client.close();
        }
    }

    private static double run(Runnable r, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / 1000.0 / n;
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
