package io.github.redisfilters.cache;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * A writer that encodes characters as they are written, with no buffer of its own, so nothing
 * written through a held response's {@code getWriter()} can be stranded when an async cycle
 * completes without a flush. Closing it does nothing: the filter ends the response.
 */
final class EncodingWriter extends Writer {
    private final OutputStream out;
    private final Charset charset;
    private char pendingHigh;

    EncodingWriter(OutputStream out, Charset charset) {
        this.out = out;
        this.charset = charset;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        if (len <= 0) {
            return;
        }
        StringBuilder sb = new StringBuilder(len + 1);
        if (pendingHigh != 0) {
            sb.append(pendingHigh);
            pendingHigh = 0;
        }
        sb.append(cbuf, off, len);
        char last = sb.charAt(sb.length() - 1);
        if (Character.isHighSurrogate(last)) {
            pendingHigh = last; // keep a split surrogate pair together
            sb.setLength(sb.length() - 1);
        }
        byte[] bytes = sb.toString().getBytes(charset);
        out.write(bytes, 0, bytes.length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() {
    }
}
