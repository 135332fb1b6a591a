package io.github.redisfilters.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readByte() != MAGIC || in.readByte() != VERSION) {
                throw new IllegalArgumentException("not a cache entry of version " + VERSION);
            }
            int status = in.readUnsignedShort();
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("bad status " + status);
            }
            long storedAt = in.readLong();
            long initialAge = in.readLong();
            long freshness = in.readLong();
            long swr = in.readLong();
            long sie = in.readLong();
            boolean mustRevalidate = in.readBoolean();
            int n = in.readUnsignedShort();
            if (n > MAX_HEADERS) {
                throw new IllegalArgumentException("too many headers");
            }
            List<CacheEntry.Header> headers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                headers.add(new CacheEntry.Header(in.readUTF(), in.readUTF()));
            }
            String generations = in.readUTF();
            int len = in.readInt();
            if (len < 0 || len > data.length) {
                throw new IllegalArgumentException("bad body length");
            }
            byte[] body = in.readNBytes(len);
            if (body.length != len) {
                throw new IllegalArgumentException("truncated body");
            }
            return new CacheEntry(status, storedAt, initialAge, freshness, swr, sie, mustRevalidate,
                    List.copyOf(headers), body, generations);
        } catch (IOException ex) {
            throw new IllegalArgumentException("truncated cache entry", ex);
        }
    }
}
