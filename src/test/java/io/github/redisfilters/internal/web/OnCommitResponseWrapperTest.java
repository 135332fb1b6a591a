package io.github.redisfilters.internal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One test per commit path: the hook runs once, before the delegate sees the committing call. */
class OnCommitResponseWrapperTest {
    HttpServletResponse delegate;
    List<String> events;
    OnCommitResponseWrapper wrapper;
    StringWriter text;
    ByteArrayOutputStream bytes;

    @BeforeEach
    void setUp() throws IOException {
        delegate = mock(HttpServletResponse.class);
        events = new ArrayList<>();
        text = new StringWriter();
        bytes = new ByteArrayOutputStream();
        when(delegate.getBufferSize()).thenReturn(100);
        when(delegate.getCharacterEncoding()).thenReturn("ISO-8859-1");
        when(delegate.getWriter()).thenReturn(new PrintWriter(text) {
            @Override
            public void flush() {
                events.add("delegate.flush");
                super.flush();
            }

            @Override
            public void close() {
                events.add("delegate.close");
                super.close();
            }
        });
        when(delegate.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void flush() {
                events.add("delegate.flush");
            }

            @Override
            public void close() {
                events.add("delegate.close");
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener l) {
            }
        });
        doAnswer(i -> events.add("delegate.sendError")).when(delegate).sendError(anyInt());
        doAnswer(i -> events.add("delegate.sendError")).when(delegate).sendError(anyInt(), any());
        doAnswer(i -> events.add("delegate.sendRedirect")).when(delegate).sendRedirect(any());
        doAnswer(i -> events.add("delegate.flushBuffer")).when(delegate).flushBuffer();
        wrapper = new OnCommitResponseWrapper(delegate) {
            @Override
            protected void onResponseCommit() {
                events.add("hook");
            }
        };
    }

    @Test
    void sendErrorFiresBefore() throws IOException {
        wrapper.sendError(404);
        wrapper.sendError(500, "again");
        assertThat(events).containsExactly("hook", "delegate.sendError", "delegate.sendError");
    }

    @Test
    void sendRedirectFiresBefore() throws IOException {
        wrapper.sendRedirect("/x");
        assertThat(events).containsExactly("hook", "delegate.sendRedirect");
    }

    @Test
    void flushBufferFiresBefore() throws IOException {
        wrapper.flushBuffer();
        wrapper.flushBuffer();
        assertThat(events).containsExactly("hook", "delegate.flushBuffer", "delegate.flushBuffer");
    }

    @Test
    void writerFlushFiresBefore() throws IOException {
        wrapper.getWriter().print("hi");
        assertThat(events).isEmpty();
        wrapper.getWriter().flush();
        assertThat(events).containsExactly("hook", "delegate.flush");
        assertThat(text.toString()).isEqualTo("hi");
    }

    @Test
    void writerCloseFiresBefore() throws IOException {
        wrapper.getWriter().close();
        assertThat(events).containsExactly("hook", "delegate.close");
    }

    @Test
    void streamFlushFiresBefore() throws IOException {
        wrapper.getOutputStream().write(1);
        assertThat(events).isEmpty();
        wrapper.getOutputStream().flush();
        assertThat(events).containsExactly("hook", "delegate.flush");
    }

    @Test
    void streamCloseFiresBefore() throws IOException {
        wrapper.getOutputStream().close();
        assertThat(events).containsExactly("hook", "delegate.close");
    }

    @Test
    void reachingTheContentLengthFiresBeforeTheLastByte() throws IOException {
        wrapper.setContentLength(3);
        ServletOutputStream out = wrapper.getOutputStream();
        out.write(new byte[] {1, 2});
        assertThat(events).isEmpty();
        out.write(3);
        assertThat(events).containsExactly("hook");
        assertThat(bytes.size()).isEqualTo(3);
    }

    @Test
    void contentLengthHeaderCountsToo() throws IOException {
        wrapper.setHeader("Content-Length", "2");
        wrapper.getOutputStream().write(new byte[] {1, 2});
        assertThat(events).containsExactly("hook");
    }

    @Test
    void zeroContentLengthFiresAtOnce() {
        wrapper.setContentLengthLong(0);
        assertThat(events).containsExactly("hook");
    }

    @Test
    void aFullBufferFiresBeforeTheOverflowingWrite() throws IOException {
        ServletOutputStream out = wrapper.getOutputStream();
        out.write(new byte[60]);
        assertThat(events).isEmpty();
        out.write(new byte[60]);
        assertThat(events).containsExactly("hook");
    }

    @Test
    void writerOutputIsCountedAtTheCharsetsWidestEncoding() throws IOException {
        when(delegate.getCharacterEncoding()).thenReturn("UTF-8");
        PrintWriter w = wrapper.getWriter();
        w.print("x".repeat(30)); // up to 90 bytes in UTF-8
        assertThat(events).isEmpty();
        w.print("y".repeat(5)); // could reach 105 > 100
        assertThat(events).containsExactly("hook");
    }

    @Test
    void firesOnlyOnceAcrossPaths() throws IOException {
        wrapper.getWriter().flush();
        wrapper.flushBuffer();
        wrapper.sendError(500);
        assertThat(events.stream().filter("hook"::equals)).hasSize(1);
    }

    @Test
    void aDisabledHookNeverFires() throws IOException {
        wrapper.disableHook();
        wrapper.flushBuffer();
        assertThat(events).containsExactly("delegate.flushBuffer");
        assertThat(wrapper.hookFired()).isTrue();
    }

    @Test
    void aHoldingSubclassMovesTheThresholdAndIgnoresTheContentLength() throws IOException {
        OnCommitResponseWrapper holding = new OnCommitResponseWrapper(delegate) {
            @Override
            protected void onResponseCommit() {
                events.add("hook");
            }

            @Override
            protected long commitThreshold() {
                return 1000;
            }

            @Override
            protected boolean commitsAtContentLength() {
                return false;
            }
        };
        holding.setContentLength(500);
        ServletOutputStream out = holding.getOutputStream();
        out.write(new byte[500]);
        assertThat(events).as("content length reached, buffer size passed: still held").isEmpty();
        out.write(new byte[500]);
        assertThat(events).containsExactly("hook");
    }
}
