package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.testing.RedisFixture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The {@link TokenBlacklist} API against a real Redis: keys, values and TTLs as stored. */
class TokenBlacklistIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static SharedRedisClient client;
    // A fixed clock makes TTL arithmetic exact; Redis counts the TTL down in real time.
    static final Instant NOW = Instant.parse("2030-01-01T12:00:00.250Z");
    static TokenBlacklist blacklist;

    @BeforeAll
    static void start() {
        client = SharedRedisClient.create(RedisSettings.builder().url(REDIS.process().url()).keyPrefix("t1:").build());
        blacklist = TokenBlacklist.create(client, JwtBlacklistConfig.builder().clockSkew(Duration.ofSeconds(60))
                .maxTokenLifetime(Duration.ofHours(1)).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build());
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static Set<String> keys() {
        try (Jedis j = REDIS.process().admin()) {
            return j.keys("*");
        }
    }

    /** Redis' clock in milliseconds, read around a write to bracket when it set an expiry. */
    private static long clock() {
        return REDIS.process().timeMillis();
    }

    /** {@code key} was given a TTL of exactly {@code seconds} by a write made between {@code before} and {@code after}. */
    private static void assertTtl(String key, long seconds, long before, long after) {
        assertThat(REDIS.process().expiryMillis(key) - seconds * 1000).as("%s set to expire %d s later", key, seconds)
                .isBetween(before, after);
    }

    @Test
    void revokedTokenEntryExpiresWhenTheTokenWouldPlusClockSkew() {
        String token = TestTokens.token("alice", "jti-1", NOW.minusSeconds(60), NOW.plusSeconds(900));
        long before = clock();
        assertThat(blacklist.revoke(token)).isTrue();
        long after = clock();
        String key = blacklist.keys().tokenKey("alice", "jti-1");
        assertThat(keys()).containsExactly(key);
        assertThat(key).matches("t1:jwt:\\{s:[0-9a-f]{32}\\}:jti:jti-1");
        assertTtl(key, 960, before, after); // exp − now + 60 s skew
        assertThat(blacklist.isRevoked(token)).isTrue();
        assertThat(blacklist.isRevoked(TestTokens.token("alice", "jti-2", NOW, NOW.plusSeconds(900)))).isFalse();
    }

    @Test
    void expiredTokensCreateNoKeys() {
        assertThat(blacklist.revoke(TestTokens.token("alice", "old", NOW.minusSeconds(7200), NOW.minusSeconds(3600)))).isFalse();
        assertThat(blacklist.revoke("alice", "old2", NOW.minusSeconds(61))).isFalse();
        assertThat(blacklist.revoke("old3", NOW.minusSeconds(600))).isFalse();
        assertThat(blacklist.revokeAllFor("alice", NOW.minus(Duration.ofHours(2)))).isFalse();
        assertThat(keys()).isEmpty();
        // still inside the clock-skew margin: a lenient verifier would accept it, so it is kept briefly
        String justExpired = TestTokens.token("alice", "recent", NOW.minusSeconds(600), NOW.minusSeconds(30));
        long before = clock();
        assertThat(blacklist.revoke(justExpired)).isTrue();
        long after = clock();
        assertTtl(blacklist.keys().tokenKey("alice", "recent"), 30, before, after);
    }

    @Test
    void tokensWithoutExpAreKeptForTheMaximumLifetime() {
        String token = TestTokens.token("alice", "noexp", NOW, null);
        long before = clock();
        assertThat(blacklist.revoke(token)).isTrue();
        long after = clock();
        assertTtl(blacklist.keys().tokenKey("alice", "noexp"), 3660, before, after);
    }

    @Test
    void watermarkRevokesTokensIssuedInOrBeforeItsSecondAndExpiresAfterMaxLifetime() {
        long before = clock();
        assertThat(blacklist.revokeAllFor("alice", NOW)).isTrue(); // 12:00:00.250 → second 12:00:00
        long after = clock();
        String key = blacklist.keys().watermarkKey("alice");
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.get(key)).isEqualTo(Long.toString(NOW.getEpochSecond()));
        }
        assertTtl(key, 3660, before, after); // the watermark + 1 h lifetime + 60 s skew − now
        assertThat(blacklist.isRevoked(TestTokens.token("alice", "a", NOW.minusSeconds(1), NOW.plusSeconds(900)))).isTrue();
        assertThat(blacklist.isRevoked(TestTokens.token("alice", "b", NOW, NOW.plusSeconds(900)))).as("same second").isTrue();
        assertThat(blacklist.isRevoked(TestTokens.token("alice", "c", NOW.plusSeconds(1), NOW.plusSeconds(900)))).isFalse();
        assertThat(blacklist.isRevoked(TestTokens.token("alice", "d", null, NOW.plusSeconds(900)))).as("no iat").isTrue();
        assertThat(blacklist.isRevoked(TestTokens.token("bob", "e", NOW.minusSeconds(1), NOW.plusSeconds(900)))).isFalse();
    }

    @Test
    void watermarksOnlyMoveForward() {
        assertThat(blacklist.revokeAllFor("alice", NOW)).isTrue();
        assertThat(blacklist.revokeAllFor("alice", NOW.minusSeconds(30))).isFalse();
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.get(blacklist.keys().watermarkKey("alice"))).isEqualTo(Long.toString(NOW.getEpochSecond()));
        }
        assertThat(blacklist.revokeAllFor("alice", NOW.plusSeconds(5))).isTrue();
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.get(blacklist.keys().watermarkKey("alice"))).isEqualTo(Long.toString(NOW.getEpochSecond() + 5));
        }
    }

    @Test
    void revokeBySubjectAndJtiMatchesRevokeByToken() {
        String token = TestTokens.token("alice", "jti-7", NOW, NOW.plusSeconds(900));
        assertThat(blacklist.revoke("alice", "jti-7", NOW.plusSeconds(900))).isTrue();
        assertThat(blacklist.isRevoked(token)).isTrue();
    }

    @Test
    void revokeByJtiAloneCoversTokensWithoutSubject() {
        String noSub = TestTokens.token(null, "jti-8", NOW, NOW.plusSeconds(900));
        assertThat(blacklist.isRevoked(noSub)).isFalse();
        assertThat(blacklist.revoke("jti-8", NOW.plusSeconds(900))).isTrue();
        assertThat(blacklist.isRevoked(noSub)).isTrue();
        assertThat(keys()).containsExactly("t1:jwt:jti:{jti-8}");
    }

    @Test
    void tokensWithoutJtiAreRevokedByTheirSha256() {
        String a = TestTokens.token("alice", null, NOW, NOW.plusSeconds(900));
        String b = TestTokens.token("alice", null, NOW.minusSeconds(1), NOW.plusSeconds(900));
        assertThat(blacklist.revoke(a)).isTrue();
        assertThat(blacklist.isRevoked(a)).isTrue();
        assertThat(blacklist.isRevoked(b)).isFalse();
        assertThat(keys()).containsExactly(blacklist.keys().tokenKey("alice", "t:" + BlacklistKeys.sha256Hex(a)));
    }

    @Test
    void hostileSubjectsAndIdsMakeBoundedKeys() {
        String hostile = "}{\r\n*?[" + "x".repeat(5000);
        blacklist.revoke(hostile, hostile, NOW.plusSeconds(900));
        blacklist.revokeAllFor(hostile, NOW);
        assertThat(keys()).hasSize(2).allSatisfy(k -> assertThat(k.length()).isLessThan(130));
    }

    @Test
    void isRevokedIsOneRoundTripAndMalformedTokensAreRefused() {
        String token = TestTokens.token("alice", "jti-9", NOW, NOW.plusSeconds(900));
        blacklist.isRevoked(token);
        REDIS.process().resetStats();
        blacklist.isRevoked(token);
        assertThat(REDIS.process().totalCommands()).isEqualTo(1);
        assertThatThrownBy(() -> blacklist.revoke("not.a.token!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("not.a.token");
    }
}
