package io.github.redisfilters.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Compact binary form of a {@link CacheEntry}: a magic byte {@code 'E'} (which the lookup script
 * uses to tell an entry from a variants record {@code 'V'}), a format version, fixed-width numbers,
 * headers as length-prefixed UTF-8 and the raw body. No Java serialization, so nothing in Redis
 * can make the application instantiate classes.
 */
final class EntryCodec {
    static final byte MAGIC = 'E';
    static final byte VERSION = 2;
    private static final int MAX_HEADERS = 1000;

    private EntryCodec() {
    }

    /**
     * Encodes an entry.
     *
     * @throws IllegalArgumentException when the entry has more than {@value #MAX_HEADERS} headers or a
     *                                  header name or value longer than 65535 UTF-8 bytes (it cannot be
     *                                  read back, so it is not stored)
     */
    static byte[] encode(CacheEntry e) {
        if (e.headers().size() > MAX_HEADERS) {
            throw new IllegalArgumentException("more than " + MAX_HEADERS + " headers");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + e.body().length + 32 * e.headers().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MAGIC);
            out.writeByte(VERSION);
            out.writeShort(e.status());
            out.writeLong(e.storedAtMillis());
            out.writeLong(e.initialAgeSeconds());
            out.writeLong(e.freshnessMillis());
            out.writeLong(e.staleWhileRevalidateMillis());
            out.writeLong(e.staleIfErrorMillis());
            out.writeBoolean(e.mustRevalidate());
            out.writeShort(e.headers().size());
            for (CacheEntry.Header h : e.headers()) {
                out.writeUTF(h.name());
                out.writeUTF(h.value());
            }
            out.writeUTF(e.generations());
            out.writeInt(e.body().length);
            out.write(e.body());
        } catch (UTFDataFormatException ex) {
            throw new IllegalArgumentException("a header is longer than 65535 bytes", ex);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes an entry.
     *
     * @throws IllegalArgumentException when the bytes are not an entry of this version (written by
     *                                  another library version, or garbage); callers treat that as a miss
     */
    static CacheEntry decode(byte[] data) {
        Cursor in = new Cursor(data);
        if (in.u8() != MAGIC || in.u8() != VERSION) {
            throw new IllegalArgumentException("not a cache entry of version " + VERSION);
        }
        int status = in.u16();
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("bad status " + status);
        }
        long storedAt = in.s64();
        long initialAge = in.s64();
        long freshness = in.s64();
        long swr = in.s64();
        long sie = in.s64();
        boolean mustRevalidate = in.u8() != 0;
        int n = in.u16();
        if (n > MAX_HEADERS) {
            throw new IllegalArgumentException("too many headers");
        }
        CacheEntry.Header[] headers = new CacheEntry.Header[n];
        for (int i = 0; i < n; i++) {
            headers[i] = new CacheEntry.Header(in.utf(), in.utf());
        }
        String generations = in.utf();
        int len = (int) in.bits(4);
        if (len < 0 || len > data.length) {
            throw new IllegalArgumentException("bad body length");
        }
        byte[] body = in.bytes(len);
        return new CacheEntry(status, storedAt, initialAge, freshness, swr, sie, mustRevalidate,
                List.of(headers), body, generations);
    }

    /**
     * Reads what {@link DataOutputStream} wrote, straight from the array (a hit decodes an entry:
     * no stream objects, and ASCII strings, the usual header, without a decoder).
     */
    private static final class Cursor {
        private final byte[] data;
        private int pos;

        Cursor(byte[] data) {
            this.data = data;
        }

        private void need(int n) {
            if (n > data.length - pos) {
                throw new IllegalArgumentException("truncated cache entry");
            }
        }

        int u8() {
            need(1);
            return data[pos++] & 0xFF;
        }

        int u16() {
            return (int) bits(2);
        }

        long s64() {
            return bits(8);
        }

        /** A big-endian number of {@code n} bytes (4 bytes: an int, sign included). */
        long bits(int n) {
            need(n);
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | (data[pos++] & 0xFF);
            }
            return n == 4 ? (int) v : v;
        }

        byte[] bytes(int n) {
            need(n);
            pos += n;
            return Arrays.copyOfRange(data, pos - n, pos);
        }

        /** {@link DataOutputStream#writeUTF}'s form: a length, then modified UTF-8. */
        String utf() {
            int len = u16();
            need(len);
            int start = pos;
            pos += len;
            for (int i = start; i < pos; i++) {
                if (data[i] < 0) {
                    try {
                        return new DataInputStream(new ByteArrayInputStream(data, start - 2, len + 2)).readUTF();
                    } catch (IOException e) {
                        throw new IllegalArgumentException("bad string in cache entry", e);
                    }
                }
            }
            return new String(data, start, len, StandardCharsets.ISO_8859_1); // ASCII: the same characters
        }
    }
}
