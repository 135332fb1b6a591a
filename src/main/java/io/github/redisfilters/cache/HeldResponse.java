package io.github.redisfilters.cache;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The holding layer under {@link CapturingResponse}: keeps status, headers, cookies and body back
 * so the cache can store them, add headers computed from the body (a generated {@code ETag}),
 * strip the tag header, or replace an origin error with a stale entry. {@link #release()} writes
 * everything held to the real response and switches to write-through, keeping a copy (dropped
 * once the body outgrows {@code maxBody}: never buffered beyond that size). It detects no commit
 * path itself except the ones only it knows (a body over the limit, {@code sendError} /
 * {@code sendRedirect} that must reach the container, a write listener); flushes, closes and the
 * rest are seen by {@link io.github.redisfilters.internal.web.OnCommitResponseWrapper} above it. Content
 * type, character encoding and locale live on the real response.
 */
final class HeldResponse extends HttpServletResponseWrapper {
    private final HttpServletResponse real;
    private final long maxBody;
    private final String tagHeader;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final List<Cookie> cookies = new ArrayList<>();
    private final List<String> tags = new ArrayList<>();
    private ByteArrayOutputStream copy = new ByteArrayOutputStream(1024);
    private int status = SC_OK;
    private long contentLength = -1;
    private boolean passThrough;
    private String notStorable;
    private boolean holdErrors;
    private boolean heldError;
    private CaptureStream stream;
    private PrintWriter writer;

    HeldResponse(HttpServletResponse real, long maxBody, String tagHeader) {
        super(real);
        this.real = real;
        this.maxBody = maxBody;
        this.tagHeader = tagHeader;
    }

    /** While a stale entry could replace an origin error, hold back {@code sendError} of a 5xx. */
    void holdServerErrors(boolean hold) {
        this.holdErrors = hold;
    }


    /** True when {@code sendError(sc)} would be held back (see {@link #holdServerErrors}). */
    synchronized boolean holdsError(int sc) {
        return holdErrors && !passThrough && CachePolicy.isError(sc);
    }

    /** True when a 5xx {@code sendError} was held back (nothing reached the client). */
    boolean heldError() {
        return heldError;
    }

    /** Why this response cannot be stored whatever its headers say, or null. */
    synchronized String notStorableReason() {
        return notStorable;
    }

    /** True once anything reached the real response. */
    synchronized boolean released() {
        return passThrough;
    }

    /** The body written so far (complete once the response is done), or null when it outgrew the limit. */
    synchronized byte[] body() {
        return copy == null ? null : copy.toByteArray();
    }

    /** Values of the tag header the application set (never sent to the client). */
    List<String> tags() {
        return tags;
    }

    /** Header values by name as the application set them, without Content-Type and Content-Length. */
    List<String> headerValues(String name) {
        if (name.equalsIgnoreCase("Content-Type")) {
            String ct = getContentType();
            return ct == null ? List.of() : List.of(ct);
        }
        List<String> v = headers.get(name);
        return v == null ? List.of() : v;
    }

    Map<String, List<String>> heldHeaders() {
        return headers;
    }

    boolean setsCookie() {
        return !cookies.isEmpty() || headers.containsKey("Set-Cookie");
    }

    /** Writes everything held to the real response and switches to write-through. */
    synchronized void release() throws IOException {
        if (passThrough) {
            return;
        }
        passThrough = true;
        real.setStatus(status);
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            boolean first = true;
            for (String v : h.getValue()) {
                if (first) {
                    real.setHeader(h.getKey(), v);
                    first = false;
                } else {
                    real.addHeader(h.getKey(), v);
                }
            }
        }
        for (Cookie c : cookies) {
            real.addCookie(c);
        }
        if (contentLength >= 0) {
            real.setContentLengthLong(contentLength);
        }
        if (copy != null && copy.size() > 0) {
            real.getOutputStream().write(copy.toByteArray());
        }
    }

    /** Ends a buffered response: sets the length of the held body and sends it. */
    synchronized void finish() throws IOException {
        if (passThrough) {
            return;
        }
        if (copy != null) {
            contentLength = copy.size();
        }
        release();
    }

    /** Throws away what the origin produced (a held error replaced by a stale entry). */
    synchronized void discard() {
        copy = null;
        notStorable = "discarded";
    }

    // ----- status and headers

    @Override
    public synchronized void setStatus(int sc) {
        status = sc;
        if (passThrough) {
            real.setStatus(sc);
        }
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public synchronized void sendError(int sc, String msg) throws IOException {
        status = sc;
        if (holdErrors && !passThrough && CachePolicy.isError(sc)) {
            heldError = true;
            return;
        }
        notStorable = "send-error";
        release();
        if (msg == null) {
            real.sendError(sc);
        } else {
            real.sendError(sc, msg);
        }
    }

    @Override
    public synchronized void sendRedirect(String location) throws IOException {
        notStorable = "send-redirect";
        status = SC_FOUND;
        release();
        real.sendRedirect(location);
    }

    @Override
    public synchronized void setHeader(String name, String value) {
        if (special(name, value, true)) {
            return;
        }
        if (value == null) {
            headers.remove(name);
        } else {
            List<String> l = new ArrayList<>(1);
            l.add(value);
            headers.put(name, l);
        }
        if (passThrough) {
            real.setHeader(name, value);
        }
    }

    @Override
    public synchronized void addHeader(String name, String value) {
        if (value == null || special(name, value, false)) {
            return;
        }
        headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        if (passThrough) {
            real.addHeader(name, value);
        }
    }

    /** Routes headers the servlet API models separately; true when handled. */
    private boolean special(String name, String value, boolean replace) {
        if (tagHeader != null && name.equalsIgnoreCase(tagHeader)) {
            if (replace) {
                tags.clear();
            }
            if (value != null) {
                for (String t : value.split(",")) {
                    if (!t.isBlank()) {
                        tags.add(t.trim());
                    }
                }
            }
            return true;
        }
        if (name.equalsIgnoreCase("Content-Type")) {
            setContentType(value);
            return true;
        }
        if (name.equalsIgnoreCase("Content-Length")) {
            try {
                setContentLengthLong(value == null ? -1 : Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                setContentLengthLong(-1);
            }
            return true;
        }
        return false;
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, CachePolicy.formatDate(date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, CachePolicy.formatDate(date));
    }

    @Override
    public synchronized boolean containsHeader(String name) {
        return headers.containsKey(name) || (!passThrough && real.containsHeader(name));
    }

    @Override
    public synchronized String getHeader(String name) {
        List<String> v = headerValues(name);
        return v.isEmpty() ? real.getHeader(name) : v.get(0);
    }

    @Override
    public synchronized Collection<String> getHeaders(String name) {
        List<String> v = headerValues(name);
        return v.isEmpty() ? real.getHeaders(name) : List.copyOf(v);
    }

    @Override
    public synchronized Collection<String> getHeaderNames() {
        List<String> names = new ArrayList<>(headers.keySet());
        for (String n : real.getHeaderNames()) {
            if (!headers.containsKey(n)) {
                names.add(n);
            }
        }
        return names;
    }

    @Override
    public synchronized void addCookie(Cookie cookie) {
        cookies.add(cookie);
        if (passThrough) {
            real.addCookie(cookie);
        }
    }

    @Override
    public synchronized void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public synchronized void setContentLengthLong(long len) {
        contentLength = len;
        if (passThrough) {
            real.setContentLengthLong(len);
        }
    }

    // ----- buffer and commit

    @Override
    public synchronized boolean isCommitted() {
        return passThrough && real.isCommitted();
    }

    @Override
    public synchronized void flushBuffer() throws IOException {
        if (passThrough) { // while held there is nothing to flush: the wrapper above decides when to let go
            real.flushBuffer();
        }
    }

    @Override
    public synchronized void reset() {
        if (passThrough) {
            real.reset(); // throws IllegalStateException once committed, as the spec requires
        } else {
            real.reset(); // also forgets content type, encoding and upstream headers, like an unwrapped reset
        }
        headers.clear();
        cookies.clear();
        tags.clear();
        status = SC_OK;
        contentLength = -1;
        if (copy != null) {
            copy.reset();
        }
        stream = null;
        writer = null;
    }

    @Override
    public synchronized void resetBuffer() {
        if (passThrough) {
            real.resetBuffer();
            notStorable = notStorable == null ? "reset-after-commit" : notStorable;
        }
        if (copy != null) {
            copy.reset();
        }
    }

    // ----- body

    @Override
    public synchronized ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() has already been called");
        }
        if (stream == null) {
            stream = new CaptureStream();
        }
        return stream;
    }

    @Override
    public synchronized PrintWriter getWriter() throws UnsupportedEncodingException {
        if (writer == null) {
            if (stream != null) {
                throw new IllegalStateException("getOutputStream() has already been called");
            }
            String enc = getCharacterEncoding();
            Charset cs;
            try {
                cs = enc == null ? StandardCharsets.ISO_8859_1 : Charset.forName(enc);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(enc);
            }
            stream = new CaptureStream();
            writer = new PrintWriter(new EncodingWriter(stream, cs), false);
        }
        return writer;
    }

    private synchronized void write(byte[] b, int off, int len) throws IOException {
        if (copy != null && copy.size() + (long) len > maxBody) {
            release(); // sends what was held so far, then writes go through
            copy = null; // too large to store: stop capturing
            notStorable = "too-large";
        }
        if (!passThrough) {
            if (copy != null) {
                copy.write(b, off, len);
            }
            return; // after discard(): the origin's output is replaced, drop it
        }
        real.getOutputStream().write(b, off, len);
        if (copy != null) {
            copy.write(b, off, len);
        }
    }

    private synchronized void flushStream() throws IOException {
        if (passThrough) {
            real.getOutputStream().flush();
        }
    }

    /** Output stream of the wrapper: buffers or writes through, see the class comment. */
    private final class CaptureStream extends ServletOutputStream {
        @Override
        public void write(int b) throws IOException {
            HeldResponse.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            HeldResponse.this.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            flushStream();
        }

        @Override
        public void close() {
            // the filter ends the response; closing early changes nothing for the held copy
        }

        @Override
        public boolean isReady() {
            synchronized (HeldResponse.this) {
                if (!passThrough) {
                    return true;
                }
            }
            try {
                return real.getOutputStream().isReady();
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            try {
                release();
                real.getOutputStream().setWriteListener(listener);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public String toString() {
        return "HeldResponse[status=" + status + ", passThrough=" + passThrough + "]";
    }
}
