package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecsTest {
    /** A class outside the default allow-list. */
    public static final class Cart implements Serializable {
        public List<String> skus = new ArrayList<>();
        public int qty;
    }

    @Test
    void jdkRoundTripsPlainJdkValues() throws Exception {
        SessionAttributeCodec c = Codecs.named("jdk", List.of());
        Map<String, Object> m = new HashMap<>(Map.of("n", 1, "d", new BigDecimal("1.50"), "t", Instant.ofEpochSecond(5)));
        assertThat(c.decode(c.encode(m))).isEqualTo(m);
        assertThat(c.decode(c.encode("s"))).isEqualTo("s");
        assertThat(c.decode(c.encode(new int[] {1, 2}))).isEqualTo(new int[] {1, 2});
    }

    @Test
    void jdkRoundTripsCommonConcurrentCollections() throws Exception {
        SessionAttributeCodec c = Codecs.named("jdk", List.of());
        var chm = new java.util.concurrent.ConcurrentHashMap<>(Map.of("k", 1));
        assertThat(c.decode(c.encode(chm))).isEqualTo(chm);
        var cow = new java.util.concurrent.CopyOnWriteArrayList<>(List.of("a"));
        assertThat(c.decode(c.encode(cow))).isEqualTo(cow);
    }

    @Test
    void parseLoadReadsMetadataAndAttributes() {
        List<Object> reply = List.of(0L, 1L, "5".getBytes(), 0L, List.of("#c".getBytes(), "1".getBytes(), "#a".getBytes(),
                "9".getBytes(), "#m".getBytes(), "60".getBytes(), "#p".getBytes(), "alice".getBytes(), "a:x".getBytes(),
                new byte[] {7}));
        SessionRepository.Stored s = (SessionRepository.Stored) SessionRepository.parseLoad("id", 100, reply);
        assertThat(s.corrupt()).isFalse();
        assertThat(s.creationTime()).isEqualTo(1);
        assertThat(s.lastAccessedTime()).as("the previous access, per the servlet spec").isEqualTo(5);
        assertThat(s.maxInactiveSeconds()).isEqualTo(60);
        assertThat(s.principal()).isEqualTo("alice");
        assertThat(s.indexRefresh()).isTrue();
        assertThat(s.attributes()).containsOnlyKeys("x");
        assertThat(SessionRepository.parseLoad("id", 100, null)).isNull();
        assertThat(((SessionRepository.Stored) SessionRepository.parseLoad("id", 100,
                List.of(0L, 0L, new byte[0], 0L, List.of("junk".getBytes(), "1".getBytes())))).corrupt()).isTrue();
        assertThat(SessionRepository.parseLoad("id", 100, List.of(-1L, 900L))).isEqualTo(new SessionRepository.Busy(900));
    }

    @Test
    void jdkRefusesClassesOutsideTheAllowList() {
        SessionAttributeCodec c = Codecs.named("jdk", List.of());
        byte[] b = c.encode(new Cart());
        assertThatThrownBy(() -> c.decode(b)).hasMessageContaining("Cart");
    }

    @Test
    void jdkReadsConfiguredPackagesAndClasses() throws Exception {
        Cart cart = new Cart();
        cart.qty = 3;
        for (String allowed : List.of("io.github.redisfilters.session.", Cart.class.getName())) {
            SessionAttributeCodec c = Codecs.named("jdk", List.of(allowed));
            assertThat(((Cart) c.decode(c.encode(cart))).qty).isEqualTo(3);
        }
    }

    @Test
    void jdkRejectsNonSerializableValuesWhereTheyAreSet() {
        SessionAttributeCodec c = Codecs.named("jdk", List.of());
        assertThatThrownBy(() -> c.check(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Serializable");
    }

    @Test
    void jdkNeverInstantiatesDeniedJdkClasses() {
        SessionAttributeCodec c = Codecs.named("jdk", List.of());
        byte[] b = c.encode(new java.util.concurrent.Semaphore(1));
        assertThatThrownBy(() -> c.decode(b)).isNotNull();
    }

    @Test
    void garbageBytesFailCleanly() {
        for (String name : List.of("jdk", "json")) {
            SessionAttributeCodec c = Codecs.named(name, List.of());
            assertThatThrownBy(() -> c.decode(new byte[] {1, 2, 3})).isInstanceOf(Exception.class);
        }
    }

    @Test
    void jsonRoundTripsTypedValues() throws Exception {
        SessionAttributeCodec c = Codecs.named("json", List.of("io.github.redisfilters.session."));
        Cart cart = new Cart();
        cart.skus.add("A-1");
        cart.qty = 2;
        Cart back = (Cart) c.decode(c.encode(cart));
        assertThat(back.skus).containsExactly("A-1");
        assertThat(back.qty).isEqualTo(2);
        assertThat(c.decode(c.encode(42L))).isEqualTo(42L);
        assertThat(c.decode(c.encode("text"))).isEqualTo("text");
        Map<String, Object> m = new HashMap<>(Map.of("k", 1L));
        assertThat(c.decode(c.encode(m))).isEqualTo(m);
    }

    @Test
    void jsonRefusesTypesOutsideTheAllowList() {
        SessionAttributeCodec c = Codecs.named("json", List.of());
        byte[] b = "java.net.URL\n\"http://x\"".getBytes();
        assertThatThrownBy(() -> c.decode(b)).hasMessageContaining("allow-list");
        byte[] nested = ("java.util.ArrayList\n[\"java.util.ArrayList\",[[\"" + Cart.class.getName() + "\",{}]]]").getBytes();
        assertThatThrownBy(() -> c.decode(nested)).isInstanceOf(Exception.class);
    }

    @Test
    void unknownCodecNamesAreRejected() {
        assertThatThrownBy(() -> Codecs.named("yaml", List.of())).hasMessageContaining("codec must be jdk, json");
        assertThatThrownBy(() -> Codecs.named("java.lang.String", List.of())).hasMessageContaining("does not implement");
    }

    @Test
    void theJdkCodecRefusesDeepNestingBeforeItsHashingCanExplode() throws Exception {
        SessionAttributeCodec c = Codecs.named("jdk", List.of());
        assertThat(c.decode(SessionContainerFeaturesIT.serialDos(14))).as("shallow enough: read (a few ms at most)")
                .isInstanceOf(java.util.Set.class);
        assertThatThrownBy(() -> c.decode(SessionContainerFeaturesIT.serialDos(24))).as("1.4 KB that costs seconds unguarded")
                .isInstanceOf(java.io.InvalidClassException.class).hasMessageContaining("REJECTED");
    }

    @Test
    void bothCodecsRefuseValuesOverTheSizeLimitAndHugeArrayHeaders() {
        SessionAttributeCodec jdk = Codecs.named("jdk", List.of(), 2048);
        SessionAttributeCodec json = Codecs.named("json", List.of(), 2048);
        byte[] big = jdk.encode(new java.util.ArrayList<>(java.util.Collections.nCopies(500, "abcdefgh")));
        assertThat(big.length).isGreaterThan(2048);
        assertThatThrownBy(() -> jdk.decode(big)).hasMessageContaining("limit");
        assertThatThrownBy(() -> json.decode(json.encode("x".repeat(3000)))).hasMessageContaining("limit");
        assertThatThrownBy(() -> jdk.decode(jdk.encode(new int[4096]))).as("array longer than the stream may be")
                .isInstanceOf(java.io.InvalidClassException.class);
        String deep = "java.util.ArrayList\n" + "[\"java.util.ArrayList\",[".repeat(40) + "]]".repeat(40);
        assertThatThrownBy(() -> Codecs.named("json", List.of()).decode(deep.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .hasMessageContaining("nesting");
    }
}
