package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast serial forms are byte-for-byte what object streams write and read. */
class SerialFormsTest {
    static final List<Object> VALUES = List.of("", "alice", "sku-1:2,sku-7:1", "ünïcödé €", "nul\u0000char", "emoji \uD83D\uDE00",
            "x".repeat(65_535), 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 42L, 0, -7, Integer.MAX_VALUE, true, false);

    static byte[] objectStream(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    static Object readObjectStream(byte[] b) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            return in.readObject();
        }
    }

    @Test
    void encodesExactlyWhatObjectStreamsWriteAndDecodesIt() throws Exception {
        for (Object v : VALUES) {
            byte[] fast = SerialForms.encode(v);
            assertThat(fast).as("fast form of %s", v.getClass()).isNotNull().isEqualTo(objectStream(v));
            assertThat(SerialForms.decode(fast)).isEqualTo(v);
            assertThat(readObjectStream(fast)).isEqualTo(v);
        }
    }

    @Test
    void everythingElseIsLeftToObjectStreams() throws Exception {
        assertThat(SerialForms.encode("x".repeat(65_536))).isNull(); // a TC_LONGSTRING
        assertThat(SerialForms.encode(3.5d)).isNull();
        assertThat(SerialForms.encode(List.of("a"))).isNull();
        assertThat(SerialForms.decode(objectStream("x".repeat(70_000)))).isNull();
        assertThat(SerialForms.decode(objectStream(List.of(1L)))).isNull();
        assertThat(SerialForms.decode(objectStream(3.5d))).isNull();
        assertThat(SerialForms.decode(new byte[0])).isNull();
        byte[] truncated = objectStream(42L);
        assertThat(SerialForms.decode(java.util.Arrays.copyOf(truncated, truncated.length - 1))).isNull();
        byte[] badBoolean = objectStream(true);
        badBoolean[badBoolean.length - 1] = 7;
        assertThat(SerialForms.decode(badBoolean)).isNull();
    }

    @Test
    void aStringHeadWithBrokenUtf8IsAnIoError() {
        byte[] b = {(byte) 0xAC, (byte) 0xED, 0, 5, 0x74, 0, 2, (byte) 0xC3, 0x28};
        assertThatThrownBy(() -> SerialForms.decode(b)).isInstanceOf(IOException.class);
    }

    @Test
    void theCodecUsesTheFastFormsAndStillReadsEverythingElse() throws Exception {
        JdkSerializationCodec codec = new JdkSerializationCodec(List.of());
        assertThat(codec.encode(7L)).isEqualTo(objectStream(7L));
        assertThat(codec.decode(codec.encode("bob"))).isEqualTo("bob");
        assertThat(codec.decode(codec.encode(new java.util.ArrayList<>(List.of(1, 2))))).isEqualTo(List.of(1, 2));
    }
}
