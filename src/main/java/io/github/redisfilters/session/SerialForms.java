package io.github.redisfilters.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads and writes the Java-serialization form of the commonest session values ({@code String},
 * {@code Long}, {@code Integer}, {@code Boolean}) without object streams, which cost microseconds
 * per value. The bytes are exactly what {@link ObjectOutputStream} writes (checked when the class
 * loads, the fast path is off for a type whose check fails), so any reader of Java serialization
 * reads them, and values written by object streams take the fast path when read.
 */
final class SerialForms {
    /** STREAM_MAGIC, STREAM_VERSION, TC_STRING; then a u2 length and modified UTF-8. */
    private static final byte[] STRING_HEAD = {(byte) 0xAC, (byte) 0xED, 0x00, 0x05, 0x74};
    private static final Template LONG = Template.of(0L, -1L, 8);
    private static final Template INTEGER = Template.of(0, -1, 4);
    private static final Template BOOLEAN = Template.of(Boolean.FALSE, Boolean.TRUE, 1);

    private SerialForms() {
    }

    /** The serial form of {@code value}, or null when it has no fast path. */
    static byte[] encode(Object value) {
        if (value instanceof String s) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length() + 8);
            bytes.writeBytes(STRING_HEAD);
            try {
                new DataOutputStream(bytes).writeUTF(s); // u2 length + modified UTF-8, as TC_STRING has it
            } catch (UTFDataFormatException tooLong) {
                return null; // over 65535 bytes: object streams write a TC_LONGSTRING
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
        if (value instanceof Long l && LONG != null) {
            return LONG.with(ByteBuffer.allocate(8).putLong(l).array());
        }
        if (value instanceof Integer i && INTEGER != null) {
            return INTEGER.with(ByteBuffer.allocate(4).putInt(i).array());
        }
        if (value instanceof Boolean b && BOOLEAN != null) {
            return BOOLEAN.with(new byte[] {(byte) (b ? 1 : 0)});
        }
        return null;
    }

    /**
     * The value of a fast-path serial form, or null when {@code bytes} is anything else.
     *
     * @throws IOException when bytes that look like a string are not valid modified UTF-8
     */
    static Object decode(byte[] bytes) throws IOException {
        int n = bytes.length;
        if (n >= 7 && Arrays.equals(bytes, 0, 5, STRING_HEAD, 0, 5) && ((bytes[5] & 0xFF) << 8 | (bytes[6] & 0xFF)) == n - 7) {
            if (ascii(bytes, 7, n)) {
                return new String(bytes, 7, n - 7, java.nio.charset.StandardCharsets.ISO_8859_1); // modified UTF-8 of 1..127 is ASCII
            }
            return new DataInputStream(new ByteArrayInputStream(bytes, 5, n - 5)).readUTF();
        }
        if (LONG != null && LONG.matches(bytes)) {
            return ByteBuffer.wrap(bytes, n - 8, 8).getLong();
        }
        if (INTEGER != null && INTEGER.matches(bytes)) {
            return ByteBuffer.wrap(bytes, n - 4, 4).getInt();
        }
        if (BOOLEAN != null && BOOLEAN.matches(bytes)) {
            byte v = bytes[n - 1];
            return v == 0 ? Boolean.FALSE : v == 1 ? Boolean.TRUE : null;
        }
        return null;
    }

    private static boolean ascii(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] <= 0) { // 0 is written as two bytes in modified UTF-8, never as one
                return false;
            }
        }
        return true;
    }

    /** The serial form of a boxed primitive: a fixed head (class descriptor) and the value's bytes. */
    private record Template(byte[] head, int valueBytes) {
        static Template of(Object sample, Object other, int valueBytes) {
            byte[] a = serialise(sample);
            byte[] b = serialise(other);
            int head = a.length - valueBytes;
            if (a.length != b.length || head <= 0 || !Arrays.equals(a, 0, head, b, 0, head)) {
                return null; // not the layout this class assumes: always use object streams for it
            }
            return new Template(Arrays.copyOf(a, head), valueBytes);
        }

        boolean matches(byte[] bytes) {
            int h = head.length;
            return bytes.length == h + valueBytes && Arrays.equals(bytes, 0, h, head, 0, h);
        }

        byte[] with(byte[] value) {
            byte[] out = Arrays.copyOf(head, head.length + value.length);
            System.arraycopy(value, 0, out, head.length, value.length);
            return out;
        }

        private static byte[] serialise(Object o) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(o);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
