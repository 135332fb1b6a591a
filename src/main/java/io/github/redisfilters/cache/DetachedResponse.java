package io.github.redisfilters.cache;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The response a background refresh renders into ({@code stale-while-revalidate}): the client
 * already has its stale answer, so nothing reaches the real response; content type and encoding
 * are kept here for the capture on top of it to store.
 */
final class DetachedResponse extends HttpServletResponseWrapper {
    private String contentType;
    private String characterEncoding = StandardCharsets.ISO_8859_1.name();
    private int status = SC_OK;
    private final ServletOutputStream sink = new ServletOutputStream() {
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            try {
                listener.onWritePossible();
            } catch (java.io.IOException e) {
                listener.onError(e);
            }
        }
    };

    DetachedResponse(HttpServletResponse real) {
        super(real);
    }

    @Override public void setStatus(int sc) { status = sc; }
    @Override public int getStatus() { return status; }
    @Override public void sendError(int sc) { status = sc; }
    @Override public void sendError(int sc, String msg) { status = sc; }
    @Override public void sendRedirect(String location) { status = SC_FOUND; }
    @Override public void setHeader(String name, String value) { }
    @Override public void addHeader(String name, String value) { }
    @Override public void setIntHeader(String name, int value) { }
    @Override public void addIntHeader(String name, int value) { }
    @Override public void setDateHeader(String name, long date) { }
    @Override public void addDateHeader(String name, long date) { }
    @Override public boolean containsHeader(String name) { return false; }
    @Override public String getHeader(String name) { return null; }
    @Override public java.util.Collection<String> getHeaders(String name) { return List.of(); }
    @Override public java.util.Collection<String> getHeaderNames() { return List.of(); }
    @Override public void addCookie(Cookie cookie) { }
    @Override public void setContentLength(int len) { }
    @Override public void setContentLengthLong(long len) { }
    @Override public void setBufferSize(int size) { }
    @Override public void flushBuffer() { }
    @Override public void reset() { status = SC_OK; }
    @Override public void resetBuffer() { }
    @Override public boolean isCommitted() { return false; }
    @Override public void setLocale(Locale loc) { }

    @Override
    public void setContentType(String type) {
        contentType = type;
        if (type != null) {
            int i = type.toLowerCase(Locale.ROOT).indexOf("charset=");
            if (i >= 0) {
                characterEncoding = type.substring(i + 8).trim();
            }
        }
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (charset != null) {
            characterEncoding = charset;
        }
    }

    @Override
    public String getCharacterEncoding() {
        return characterEncoding;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return sink;
    }

    @Override
    public PrintWriter getWriter() {
        Charset cs;
        try {
            cs = Charset.forName(characterEncoding);
        } catch (RuntimeException e) {
            cs = StandardCharsets.ISO_8859_1;
        }
        return new PrintWriter(new OutputStreamWriter(sink, cs));
    }
}
