package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

class BlacklistCheckTest {
    private final BlacklistKeys keys = new BlacklistKeys("rsf:");

    @Test
    void keysOfOneSubjectShareOneClusterSlot() {
        BlacklistCheck plan = BlacklistCheck.plan(keys, new JwtClaims("id-1", "alice", 10L, 20L), "t");
        assertThat(plan.keys()).hasSize(2);
        assertThat(plan.keys().get(0)).startsWith("rsf:jwt:{s:").endsWith(":jti:id-1");
        assertThat(plan.keys().get(1)).startsWith("rsf:jwt:{s:").endsWith(":before");
        assertThat(JedisClusterCRC16.getSlot(plan.keys().get(0))).isEqualTo(JedisClusterCRC16.getSlot(plan.keys().get(1)));
    }

    @Test
    void hostileSubjectsAndIdsGiveBoundedKeys() {
        String hostile = "}{:\r\n\"" + "x".repeat(100_000);
        BlacklistCheck plan = BlacklistCheck.plan(keys, new JwtClaims(hostile, hostile, 10L, 20L), "t");
        for (String k : plan.keys()) {
            assertThat(k.length()).isLessThan(120);
            assertThat(k.substring("rsf:jwt:".length())).matches("\\{s:[0-9a-f]{32}\\}:(jti:h:[0-9a-f]{64}|before)");
        }
    }

    @Test
    void tokensWithoutJtiAreIdentifiedByTheirSha256() {
        String token = TestTokens.fresh("x");
        assertThat(BlacklistKeys.tokenId(null, token)).isEqualTo("t:" + BlacklistKeys.sha256Hex(token));
        assertThat(BlacklistKeys.tokenId("", token)).isEqualTo("t:" + BlacklistKeys.sha256Hex(token));
        assertThat(BlacklistKeys.tokenId("abc-DEF_1.2~3", token)).isEqualTo("abc-DEF_1.2~3");
    }

    @Test
    void tokensWithoutSubjectUseOneKeyTaggedById() {
        BlacklistCheck plan = BlacklistCheck.plan(keys, new JwtClaims("id-9", null, 10L, 20L), "t");
        assertThat(plan.keys()).containsExactly("rsf:jwt:jti:{id-9}");
        assertThat(plan.decide(Arrays.asList((String) null))).isEqualTo(BlacklistCheck.Verdict.NOT_REVOKED);
        assertThat(plan.decide(List.of("1"))).isEqualTo(BlacklistCheck.Verdict.TOKEN_REVOKED);
    }

    @Test
    void watermarkRevokesTokensIssuedAtOrBeforeItInWholeSeconds() {
        BlacklistCheck before = BlacklistCheck.plan(keys, new JwtClaims("a", "s", 99L, 200L), "t");
        BlacklistCheck same = BlacklistCheck.plan(keys, new JwtClaims("b", "s", 100L, 200L), "t");
        BlacklistCheck after = BlacklistCheck.plan(keys, new JwtClaims("c", "s", 101L, 200L), "t");
        BlacklistCheck noIat = BlacklistCheck.plan(keys, new JwtClaims("d", "s", null, 200L), "t");
        List<String> watermark100 = Arrays.asList(null, "100");
        assertThat(before.decide(watermark100)).isEqualTo(BlacklistCheck.Verdict.SUBJECT_REVOKED);
        assertThat(same.decide(watermark100)).isEqualTo(BlacklistCheck.Verdict.SUBJECT_REVOKED);
        assertThat(after.decide(watermark100)).isEqualTo(BlacklistCheck.Verdict.NOT_REVOKED);
        assertThat(noIat.decide(watermark100)).isEqualTo(BlacklistCheck.Verdict.SUBJECT_REVOKED);
        assertThat(after.decide(Arrays.asList(null, null))).isEqualTo(BlacklistCheck.Verdict.NOT_REVOKED);
        assertThat(after.decide(Arrays.asList("1", null))).isEqualTo(BlacklistCheck.Verdict.TOKEN_REVOKED);
        assertThat(after.decide(Arrays.asList(null, "garbage"))).isEqualTo(BlacklistCheck.Verdict.SUBJECT_REVOKED);
    }
}
