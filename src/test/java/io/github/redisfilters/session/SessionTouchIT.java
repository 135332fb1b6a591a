package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * Touch granularity, with time passed in: an access within min(1 s, interval/10) of the recorded
 * one writes nothing, and the TTL carries that much slack so that a skipped touch never lets a
 * session expire early. The rule is applied in two places, and each test runs both: load.lua for
 * a load that takes the session's lock (it writes the touch itself), and the pure read's
 * {@code HGETALL} decision in Java, whose due touch the filter lets ride on a save.
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

    /** How a request records its access. */
    enum Touch { LOCKING_LOAD, PURE_READ_THEN_SAVE }

    /** What a touching access saw: the session as loaded, and whether the principal index was due for a refresh. */
    record Access(SessionRepository.Stored stored, boolean indexRefresh) {
        long lastAccessedTime() {
            return stored.lastAccessedTime();
        }
    }

    private Access load(Touch how, String id, long now) {
        if (how == Touch.LOCKING_LOAD) {
            SessionRepository.Stored s = (SessionRepository.Stored) repo.load(id, now, true, "lock", 10_000);
            assertThat(s.locked()).isTrue();
            repo.run(repo.releasePlan(id, "lock", false));
            return new Access(s, s.indexRefresh());
        }
        SessionRepository.Stored s = (SessionRepository.Stored) repo.load(id, now, true, null, 0);
        if (!s.touchDue()) {
            return new Access(s, false);
        }
        SessionRepository.Saved saved = repo.save(new SessionRepository.Write(SessionRepository.SaveKind.UPDATE, id, id, now,
                s.maxInactiveSeconds(), s.creationTime(), false, null, null, Map.of(), Set.of()));
        return new Access(s, saved.indexRefresh());
    }

    @ParameterizedTest
    @EnumSource(Touch.class)
    void accessesWithinASecondWriteNothingAndTheTtlNeverRunsShort(Touch how) {
        long before = REDIS.process().timeMillis();
        String s1 = create(1800, null);
        long after = REDIS.process().timeMillis();
        String key = repo.sessionKey(s1);
        assertThat(REDIS.process().expiryMillis(key) - 1_801_000L).as("TTL: interval + 1 s slack").isBetween(before, after);
        try (Jedis j = REDIS.process().admin()) {
            REDIS.process().resetStats();
            assertThat(load(how, s1, T0 + 999).lastAccessedTime()).isEqualTo(T0);
            assertThat(j.hget(key, "#a")).isEqualTo(Long.toString(T0));
            assertThat(REDIS.process().commandStats()).doesNotContainKeys("hset", "pexpire");
            // the recorded access is a second old: this one is written and extends the TTL again
            assertThat(load(how, s1, T0 + 1000).lastAccessedTime()).isEqualTo(T0);
            assertThat(j.hget(key, "#a")).isEqualTo(Long.toString(T0 + 1000));
            assertThat(REDIS.process().commandStats()).containsKeys("hset", "pexpire");
            assertThat(load(how, s1, T0 + 1500).lastAccessedTime()).isEqualTo(T0 + 1000);
        }
    }

    @ParameterizedTest
    @EnumSource(Touch.class)
    void aClockBehindTheRecordedAccessStillTouches(Touch how) {
        String s2 = create(1800, null);
        load(how, s2, T0 - 5000); // a server whose clock is 5 s behind
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.hget(repo.sessionKey(s2), "#a")).isEqualTo(Long.toString(T0 - 5000));
        }
    }

    @ParameterizedTest
    @EnumSource(Touch.class)
    void shortIntervalsUseATenthOfTheIntervalAsGranularity(Touch how) {
        long before = REDIS.process().timeMillis();
        String s3 = create(2, null); // 2 s interval: granularity and slack 200 ms
        long after = REDIS.process().timeMillis();
        String key = repo.sessionKey(s3);
        assertThat(REDIS.process().expiryMillis(key) - 2_200L).as("TTL: interval + 200 ms slack").isBetween(before, after);
        try (Jedis j = REDIS.process().admin()) {
            j.pexpire(key, 60_000); // a real 2.2 s must not run out on a slow machine before the loads below
            load(how, s3, T0 + 199);
            assertThat(j.hget(key, "#a")).isEqualTo(Long.toString(T0));
            load(how, s3, T0 + 200);
            assertThat(j.hget(key, "#a")).isEqualTo(Long.toString(T0 + 200));
        }
    }

    @ParameterizedTest
    @EnumSource(Touch.class)
    void thePrincipalIndexHorizonStaysLaterThanTheSlackenedExpiry(Touch how) {
        String s4 = create(10, "erin"); // 10 s interval, 1 s slack; horizon now + 20 s
        String key = repo.sessionKey(s4);
        try (Jedis j = REDIS.process().admin()) {
            long x = Long.parseLong(j.hget(key, "#x"));
            assertThat(x).isEqualTo(T0 + 20_000);
            // 9.5 s later the session may live until 9.5 + 10 + 1 = 20.5 s > horizon: the touch refreshes it
            Access s = load(how, s4, T0 + 9_500);
            assertThat(s.indexRefresh()).isTrue();
            assertThat(Long.parseLong(j.hget(key, "#x"))).isEqualTo(T0 + 9_500 + 20_000);
        }
    }

    @Test
    void aPureReadWritesNothingAndSaysWhetherATouchIsDue() {
        String id = create(1800, null);
        try (Jedis j = REDIS.process().admin()) {
            REDIS.process().resetStats();
            SessionRepository.Stored quiet = (SessionRepository.Stored) repo.load(id, T0 + 10, false, null, 0);
            assertThat(quiet.touchDue()).isFalse();
            SessionRepository.Stored due = (SessionRepository.Stored) repo.load(id, T0 + 5000, false, null, 0);
            assertThat(due.touchDue()).isTrue();
            assertThat(due.attributes()).containsKey("n");
            assertThat(REDIS.process().commandStats()).as("nothing a later request could notice")
                    .doesNotContainKeys("hset", "pexpire", "set", "persist");
            assertThat(j.hget(repo.sessionKey(id), "#a")).isEqualTo(Long.toString(T0));
        }
    }

    @Test
    void theLockRidesOnTheLoadAndIsReleasedByTheSaveOrExplicitly() {
        String id = create(1800, null);
        SessionRepository.Stored first = (SessionRepository.Stored) repo.load(id, T0, false, "a", 10_000);
        assertThat(first.locked()).isTrue();
        assertThat(repo.load(id, T0, true, "b", 10_000)).as("another request").isInstanceOf(SessionRepository.Busy.class);
        assertThat(repo.load(id, T0, true, null, 0)).as("a read without the lock never waits")
                .isInstanceOf(SessionRepository.Stored.class);
        assertThat(((SessionRepository.Stored) repo.load(id, T0, true, "a", 10_000)).locked()).as("re-entrant").isTrue();
        assertThat(repo.run(repo.releasePlan(id, "b", false))).as("not b's to release").isFalse();
        assertThat(repo.load(id, T0, true, "b", 10_000)).isInstanceOf(SessionRepository.Busy.class);
        repo.run(repo.releasePlan(id, "a", false));
        SessionRepository.Stored b = (SessionRepository.Stored) repo.load(id, T0, true, "b", 10_000);
        assertThat(b.locked()).isTrue();
        SessionRepository.Saved saved = repo.save(new SessionRepository.Write(SessionRepository.SaveKind.UPDATE, id, id, T0 + 1,
                1800, T0, false, null, "b", Map.of("m", "2".getBytes(StandardCharsets.UTF_8)), Set.of()));
        assertThat(saved.status()).isEqualTo(1);
        assertThat(saved.lockLost()).isFalse();
        assertThat(((SessionRepository.Stored) repo.load(id, T0, true, "c", 10_000)).locked()).as("released by the save").isTrue();
        try (Jedis j = REDIS.process().admin()) {
            j.del(repo.lockKey(id)); // c's lock expired
        }
        assertThat(repo.save(new SessionRepository.Write(SessionRepository.SaveKind.UPDATE, id, id, T0 + 2, 1800, T0, false,
                null, "c", Map.of(), Set.of())).lockLost()).isTrue();
    }

    @Test
    void aRekeyRenamesInTheSameSlotAndNeverResurrects() {
        String id = create(1800, "ann");
        String fresh = new SessionIds().nextKeepingTag(id);
        assertThat(fresh).startsWith(id.substring(0, SessionRepository.TAG_LENGTH)).isNotEqualTo(id);
        assertThat(repo.save(new SessionRepository.Write(SessionRepository.SaveKind.REKEY, fresh, id, T0 + 1, 1800, T0, true,
                "ann", null, Map.of("u", "x".getBytes(StandardCharsets.UTF_8)), Set.of())).status()).isEqualTo(1);
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.exists(repo.sessionKey(id))).isFalse();
            assertThat(j.hkeys(repo.sessionKey(fresh))).contains("a:n", "a:u", "#c", "#p");
        }
        String again = new SessionIds().nextKeepingTag(id);
        assertThat(repo.save(new SessionRepository.Write(SessionRepository.SaveKind.REKEY, again, id, T0 + 2, 1800, T0, false,
                null, null, Map.of(), Set.of())).status()).as("the old id is gone: nothing is recreated").isEqualTo(0);
    }
}
