package io.github.redisfilters.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.KeyValue;

/** The role read from a {@code HELLO} reply (RESP2 and RESP3 shapes), and the DNS-cache note of the failover WARN. */
class PrimaryConnectionFactoryTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roleFromAResp2HelloReplyAFlatKeyValueList() {
        List<Object> reply = List.of(b("server"), b("redis"), b("version"), b("7.0.15"), b("proto"), 2L, b("id"), 7L,
                b("mode"), b("standalone"), b("role"), b("replica"), b("modules"), List.of());
        assertThat(PrimaryConnectionFactory.roleIn(reply)).isEqualTo("replica");
    }

    @Test
    void roleFromAResp3HelloReplyAMapOfKeyValues() {
        List<Object> reply = List.of(KeyValue.of(b("server"), b("redis")), KeyValue.of(b("proto"), 3L),
                KeyValue.of(b("role"), b("master")));
        assertThat(PrimaryConnectionFactory.roleIn(reply)).isEqualTo("master");
    }

    @Test
    void aValueThatHappensToReadRoleIsNotTakenForTheKey() {
        // "role" as a value (odd position) must not make the next key its value
        List<Object> reply = List.of(b("server"), b("role"), b("mode"), b("standalone"));
        assertThat(PrimaryConnectionFactory.roleIn(reply)).isNull();
    }

    @Test
    void noRoleInAnUnexpectedReply() {
        assertThat(PrimaryConnectionFactory.roleIn("OK")).isNull();
        assertThat(PrimaryConnectionFactory.roleIn(null)).isNull();
        assertThat(PrimaryConnectionFactory.roleIn(List.of(b("server"), b("redis")))).isNull();
    }

    @Test
    void theDnsNoteIsOnlyForHostNames() {
        assertThat(DnsCache.note("127.0.0.1")).isEmpty();
        assertThat(DnsCache.note("::1")).isEmpty();
        assertThat(DnsCache.note("my-redis.abc123.cache.amazonaws.com"))
                .contains("look up my-redis.abc123.cache.amazonaws.com again")
                .contains("networkaddress.cache.ttl")
                .contains(DnsCache.ttlSeconds() < 0 ? "ever" : DnsCache.ttlSeconds() + " s");
    }
}
