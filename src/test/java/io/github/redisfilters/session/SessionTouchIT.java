package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Touch granularity of the load script, with time passed in: an access within min(1 s, interval/10)
 * of the recorded one writes nothing, and the TTL carries that much slack so that a skipped touch
 * never lets a session expire early.
 */
class SessionTouchIT {
    static final long T0 = 1_800_000_000_000L;
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    SessionRepository repo;

    @BeforeEach
    void fresh() {
        repo = new SessionRepository(REDIS.client(), "t:");
    }

    private String create(int maxInactiveSeconds, String principal) {
        String id = new SessionIds().next();
        SessionRepository.Saved saved = repo.save(new SessionRepository.Write(SessionRepository.SaveKind.CREATE, id, null, T0,
                maxInactiveSeconds, T0, principal != null, principal, null, Map.of("n", "1".getBytes(StandardCharsets.UTF_8)),
                Set.of()));
        assertThat(saved.status()).isEqualTo(1);
        return id;
    }

    private SessionRepository.Stored load(String id, long now) {
        return (SessionRepository.Stored) repo.load(id, now, true, null, 0);
    }

    @Test
    void accessesWithinASecondWriteNothingAndTheTtlNeverRunsShort() {
        String s1 = create(1800, null);
        String key = repo.sessionKey(s1);
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.pttl(key)).isBetween(1_800_000L, 1_801_000L); // interval + 1 s slack
            REDIS.process().resetStats();
            assertThat(load(s1, T0 + 999).lastAccessedTime()).isEqualTo(T0);
            assertThat(j.hget(key, "#a")).isEqualTo(Long.toString(T0));
            assertThat(REDIS.process().commandStats()).doesNotContainKeys("hset", "pexpire");
            // the recorded access is a second old: this one is written and extends the TTL again
            assertThat(load(s1, T0 + 1000).lastAccessedTime()).isEqualTo(T0);
            assertThat(j.hget(key, "#a")).isEqualTo(Long.toString(T0 + 1000));
            assertThat(REDIS.process().commandStats()).containsKeys("hset", "pexpire");
            assertThat(load(s1, T0 + 1500).lastAccessedTime()).isEqualTo(T0 + 1000);
        }
    }

    @Test
    void aClockBehindTheRecordedAccessStillTouches() {
        String s2 = create(1800, null);
        load(s2, T0 - 5000); // a server whose clock is 5 s behind
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.hget(repo.sessionKey(s2), "#a")).isEqualTo(Long.toString(T0 - 5000));
        }
    }

    @Test
    void shortIntervalsUseATenthOfTheIntervalAsGranularity() {
        String s3 = create(2, null); // 2 s interval: granularity and slack 200 ms
        String key = repo.sessionKey(s3);
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.pttl(key)).isBetween(1_900L, 2_200L);
            load(s3, T0 + 199);
            assertThat(j.hget(key, "#a")).isEqualTo(Long.toString(T0));
            load(s3, T0 + 200);
            assertThat(j.hget(key, "#a")).isEqualTo(Long.toString(T0 + 200));
        }
    }

    @Test
    void thePrincipalIndexHorizonStaysLaterThanTheSlackenedExpiry() {
        String s4 = create(10, "erin"); // 10 s interval, 1 s slack; horizon now + 20 s
        String key = repo.sessionKey(s4);
        try (Jedis j = REDIS.process().admin()) {
            long x = Long.parseLong(j.hget(key, "#x"));
            assertThat(x).isEqualTo(T0 + 20_000);
            // 9.5 s later the session may live until 9.5 + 10 + 1 = 20.5 s > horizon: the touch refreshes it
            SessionRepository.Stored s = load(s4, T0 + 9_500);
            assertThat(s.indexRefresh()).isTrue();
            assertThat(Long.parseLong(j.hget(key, "#x"))).isEqualTo(T0 + 9_500 + 20_000);
        }
    }
}
