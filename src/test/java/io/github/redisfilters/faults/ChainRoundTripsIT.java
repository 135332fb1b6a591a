package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.RoundTrips;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The promise of the chain (issue 17), counted by Redis itself ({@code total_reads_processed}):
 * a request through all four filters, in the README's order, costs one round trip for its
 * lookups, plus one when it writes. The same requests with {@code chainBatching=false} cost one
 * round trip per filter that needs Redis and get exactly the same answers (status, rate-limit
 * headers, cache status, body).
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ChainRoundTripsIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static final AtomicInteger APPS = new AtomicInteger();

    /** Round trips on one server, with the commands Redis ran (to explain a count). */
    static Supplier<ChainApp.Counter> on(RedisProcess redis) {
        return () -> new ChainApp.Counter() {
            String commands = "";

            @Override
            public long of(Runnable action, String settledKey) {
                try (RoundTrips rt = new RoundTrips(redis)) {
                    long n = rt.of(action, "exists", settledKey == null ? null : j -> j.exists(settledKey));
                    commands = rt.lastCommands().toString();
                    return n;
                }
            }

            @Override
            public String commands() {
                return commands;
            }
        };
    }

    List<ChainApp.Seen> walk(boolean batching) {
        // a prefix of its own per application: rate-limit counts and cache entries start afresh
        try (ChainApp app = ChainApp.start(kind, Map.of("redisUrl", REDIS.process().url()), batching,
                "chain" + APPS.incrementAndGet() + ":")) {
            return app.walk(on(REDIS.process()));
        }
    }

    @Test
    void withBatchingTheWholeChainCostsOneRoundTripForItsLookups() {
        List<ChainApp.Seen> seen = walk(true);
        assertThat(seen.get(0).roundTrips()).as("cached page: %s", seen.get(0)).isEqualTo(1);
        assertThat(seen.get(0).cache()).isEqualTo("HIT");
        assertThat(seen.get(1).roundTrips()).as("session read: %s", seen.get(1)).isEqualTo(1);
        assertThat(seen.get(2).roundTrips()).as("session write: %s", seen.get(2)).isEqualTo(2);
        assertThat(seen.get(3).roundTrips()).as("cache miss: %s", seen.get(3)).isEqualTo(2);
        assertThat(seen.get(3).cache()).isEqualTo("MISS");
    }

    @Test
    void withoutBatchingEachFilterGoesOnItsOwnAndTheAnswersAreTheSame() {
        List<ChainApp.Seen> batched = walk(true);
        List<ChainApp.Seen> alone = walk(false);
        assertThat(alone.get(0).roundTrips()).as("cached page: rate limit, JWT, cache: %s", alone.get(0)).isEqualTo(3);
        assertThat(alone.get(1).roundTrips()).as("session read: session, rate limit, JWT: %s", alone.get(1)).isEqualTo(3);
        assertThat(alone.get(2).roundTrips()).as("session write: session, rate limit, JWT, save, cache invalidation: %s", alone.get(2)).isEqualTo(5);
        assertThat(alone.get(3).roundTrips()).as("miss: rate limit, JWT, lookup, store: %s", alone.get(3)).isEqualTo(4);
        assertThat(ChainApp.answers(alone)).as("answered alike").isEqualTo(ChainApp.answers(batched));
    }
}
