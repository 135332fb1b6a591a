package io.github.redisfilters.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrRangeTest {
    @Test
    void ipv4Ranges() {
        CidrRange r = CidrRange.parse("10.1.0.0/16");
        assertThat(r.contains("10.1.200.3")).isTrue();
        assertThat(r.contains("10.2.0.1")).isFalse();
        assertThat(CidrRange.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
        assertThat(CidrRange.parse("127.0.0.1").contains("127.0.0.2")).isFalse();
        assertThat(CidrRange.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
    }

    @Test
    void ipv6Ranges() {
        CidrRange r = CidrRange.parse("2001:db8::/32");
        assertThat(r.contains("2001:db8:1::5")).isTrue();
        assertThat(r.contains("[2001:db8::1]")).isTrue();
        assertThat(r.contains("2001:db9::1")).isFalse();
        assertThat(r.contains("10.0.0.1")).isFalse();
    }

    @Test
    void neverResolvesHostNamesAndRejectsGarbage() {
        assertThat(CidrRange.literal("localhost")).isNull();
        assertThat(CidrRange.literal("example.com")).isNull();
        assertThat(CidrRange.literal("1.2.3")).isNull();
        assertThat(CidrRange.literal("256.1.1.1")).isNull();
        assertThat(CidrRange.literal("1.2.3.4\r\nX: y")).isNull();
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CidrRange.parse("host.example/8")).isInstanceOf(IllegalArgumentException.class);
        // only ASCII digits: Integer.parseInt alone would take a sign and other scripts' digits
        for (String odd : new String[] {"10.0.0.0/+8", "10.0.0.0/\u0668", "10.0.0.0/", "10.0.0.0/0008"}) {
            assertThatThrownBy(() -> CidrRange.parse(odd)).as(odd).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void hostBitsOfNonByteAlignedPrefixes() {
        CidrRange r = CidrRange.parse("192.168.4.0/22");
        assertThat(r.contains("192.168.7.255")).isTrue();
        assertThat(r.contains("192.168.8.0")).isFalse();
        assertThat(r.contains("192.168.3.255")).isFalse();
        assertThat(CidrRange.parse("2001:db8::/33").contains("2001:db8:7fff::1")).isTrue();
        assertThat(CidrRange.parse("2001:db8::/33").contains("2001:db8:8000::1")).isFalse();
    }

    @Test
    void ipv4IsParsedStrictlyAndFormattedCanonically() {
        for (String bad : new String[] {"1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "1.2.3.1234", "1.2.3.-4", "1.2.3.4 5",
                "", " ", "1.2.3.", "0x1.2.3.4", "١.2.3.4"}) {
            assertThat(CidrRange.literal(bad)).as(bad).isNull();
        }
        assertThat(CidrRange.format(CidrRange.literal(" 10.0.0.255 "))).isEqualTo("10.0.0.255");
        // leading zeros are decimal, as java.net.InetAddress reads them; the canonical form drops them
        assertThat(CidrRange.format(CidrRange.literal("010.001.000.009"))).isEqualTo("10.1.0.9");
        assertThat(CidrRange.format(CidrRange.literal("[2001:DB8:0:0::1]"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    }
}
