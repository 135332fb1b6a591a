package io.github.redisfilters.internal.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * A response wrapper that calls {@link #onResponseCommit()} exactly once, just before the
 * response can be committed: on {@code sendError}, {@code sendRedirect}, {@code flushBuffer},
 * writer or stream {@code flush}/{@code close}, when the declared content length is reached, and
 * when the body written so far could overflow the buffer. Writer output is counted at the
 * charset's maximum bytes per character, so the hook fires early rather than late. A filter that
 * must act before the client sees the response (save a session, set a cookie) uses this and
 * calls its hook again in a {@code finally} for responses that are committed by the container
 * after the chain returns.
 */
public abstract class OnCommitResponseWrapper extends HttpServletResponseWrapper {
    private boolean fired;
    private boolean disabled;
    private long contentLength = -1;
    private long written;
    private ServletOutputStream stream;
    private PrintWriter writer;

    /** Wraps {@code response}; {@link #onResponseCommit()} runs once, before its first byte is committed. */
    protected OnCommitResponseWrapper(HttpServletResponse response) {
        super(response);
    }

    /** Runs once, before the response is committed by any path this wrapper sees. */
    protected abstract void onResponseCommit();

    /**
     * How many body bytes may be written before the response could commit on its own: the
     * buffer size. A subclass that holds the body itself (the cache's capture) says how much it
     * holds.
     */
    protected long commitThreshold() {
        return getBufferSize();
    }

    /**
     * Whether reaching the declared content length counts as a commit (true). A subclass that
     * holds complete responses on purpose returns false.
     */
    protected boolean commitsAtContentLength() {
        return true;
    }

    /** True once the hook has run (or was disabled). */
    public final boolean hookFired() {
        return fired || disabled;
    }

    /** Turns the hook off (for example after the filter already answered the request itself). */
    public final void disableHook() {
        disabled = true;
    }

    /** Runs the hook now unless it already ran or was disabled. */
    protected final void fireHook() {
        if (!fired && !disabled) {
            fired = true;
            onResponseCommit();
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        fireHook();
        super.sendError(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        fireHook();
        super.sendError(sc, msg);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        fireHook();
        super.sendRedirect(location);
    }

    @Override
    public void flushBuffer() throws IOException {
        fireHook();
        super.flushBuffer();
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        this.contentLength = len;
        super.setContentLengthLong(len);
        checkLength(0);
    }

    @Override
    public void setHeader(String name, String value) {
        trackContentLengthHeader(name, value);
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        trackContentLengthHeader(name, value);
        super.addHeader(name, value);
    }

    @Override
    public void setIntHeader(String name, int value) {
        trackContentLengthHeader(name, Integer.toString(value));
        super.setIntHeader(name, value);
    }

    @Override
    public void addIntHeader(String name, int value) {
        trackContentLengthHeader(name, Integer.toString(value));
        super.addIntHeader(name, value);
    }

    @Override
    public void reset() {
        super.reset();
        written = 0;
        contentLength = -1;
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        written = 0;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new CountingStream(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new CountingWriter(super.getWriter(), bytesPerChar());
        }
        return writer;
    }

    private void trackContentLengthHeader(String name, String value) {
        if (name != null && name.length() == 14 && name.regionMatches(true, 0, "content-length", 0, 14)) { // no copy per header
            try {
                this.contentLength = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                // the container will reject it; nothing to track
            }
        }
    }

    private int bytesPerChar() {
        try {
            return (int) Math.ceil(Charset.forName(getCharacterEncoding()).newEncoder().maxBytesPerChar());
        } catch (RuntimeException e) {
            return 4;
        }
    }

    /** Called before {@code bytes} more are written. */
    private void checkLength(long bytes) {
        if (hookFired()) {
            return;
        }
        long after = written + bytes;
        if (contentLength >= 0 && after >= contentLength && commitsAtContentLength()) {
            fireHook();
            return;
        }
        if (bytes > 0 && after >= commitThreshold()) {
            fireHook();
        }
    }

    private void wrote(long bytes) {
        written += bytes;
    }

    private final class CountingStream extends ServletOutputStream {
        private final ServletOutputStream delegate;

        CountingStream(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            checkLength(1);
            delegate.write(b);
            wrote(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkLength(len);
            delegate.write(b, off, len);
            wrote(len);
        }

        @Override
        public void flush() throws IOException {
            fireHook();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            fireHook();
            delegate.close();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }

    private final class CountingWriter extends PrintWriter {
        private final PrintWriter delegate;
        private final int bytesPerChar;

        CountingWriter(PrintWriter delegate, int bytesPerChar) {
            super(delegate);
            this.delegate = delegate;
            this.bytesPerChar = bytesPerChar;
        }

        @Override
        public void write(int c) {
            checkLength(bytesPerChar);
            delegate.write(c);
            wrote(bytesPerChar);
        }

        @Override
        public void write(char[] buf, int off, int len) {
            checkLength((long) len * bytesPerChar);
            delegate.write(buf, off, len);
            wrote((long) len * bytesPerChar);
        }

        @Override
        public void write(String s, int off, int len) {
            checkLength((long) len * bytesPerChar);
            delegate.write(s, off, len);
            wrote((long) len * bytesPerChar);
        }

        @Override
        public void write(char[] buf) {
            write(buf, 0, buf.length);
        }

        @Override
        public void write(String s) {
            write(s, 0, s.length());
        }

        @Override
        public void println() {
            write(System.lineSeparator());
        }

        @Override
        public void flush() {
            fireHook();
            delegate.flush();
        }

        @Override
        public void close() {
            fireHook();
            delegate.close();
        }

        @Override
        public boolean checkError() {
            return delegate.checkError();
        }
    }
}
