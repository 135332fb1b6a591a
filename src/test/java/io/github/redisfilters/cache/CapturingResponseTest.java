package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One test per commit path of the capturing wrapper; the real response is a Mockito mock. */
class CapturingResponseTest {
    HttpServletResponse real;
    ByteArrayOutputStream sent;
    CapturingResponse capture;

    @BeforeEach
    void setUp() throws IOException {
        real = mock(HttpServletResponse.class);
        sent = new ByteArrayOutputStream();
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                sent.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener l) {
            }
        };
        when(real.getOutputStream()).thenReturn(out);
        when(real.getCharacterEncoding()).thenReturn("UTF-8");
        capture = new CapturingResponse(real, 16, "Cache-Tag");
    }

    @Test
    void holdsStatusHeadersAndBodyUntilFinished() throws IOException {
        capture.setStatus(404);
        capture.setHeader("X-A", "1");
        capture.getWriter().print("héllo");
        verify(real, never()).setStatus(anyInt());
        assertThat(sent.size()).isZero();
        assertThat(capture.isCommitted()).isFalse();

        capture.finish();
        verify(real).setStatus(404);
        verify(real).setHeader("X-A", "1");
        verify(real).setContentLengthLong(6);
        assertThat(sent.toString(StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(capture.body()).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void flushBufferReleasesAndKeepsCapturing() throws IOException {
        capture.getOutputStream().write("ab".getBytes());
        capture.flushBuffer();
        verify(real).flushBuffer();
        assertThat(sent.toString()).isEqualTo("ab");
        capture.getOutputStream().write("cd".getBytes());
        assertThat(sent.toString()).isEqualTo("abcd");
        assertThat(capture.body()).isEqualTo("abcd".getBytes());
        assertThat(capture.notStorableReason()).isNull();
    }

    @Test
    void writerFlushReleases() throws IOException {
        capture.getWriter().print("x");
        capture.getWriter().flush();
        assertThat(capture.released()).isTrue();
        assertThat(sent.toString()).isEqualTo("x");
    }

    @Test
    void bodyLargerThanTheLimitPassesThroughAndIsNotKept() throws IOException {
        capture.getOutputStream().write("0123456789".getBytes());
        capture.getOutputStream().write("0123456789".getBytes());
        assertThat(capture.released()).isTrue();
        assertThat(sent.toString()).isEqualTo("01234567890123456789");
        assertThat(capture.body()).isNull();
        assertThat(capture.notStorableReason()).isEqualTo("too-large");
    }

    @Test
    void sendErrorGoesStraightThroughAndIsNotStorable() throws IOException {
        capture.setHeader("X-A", "1");
        capture.sendError(500, "boom");
        verify(real).setHeader("X-A", "1");
        verify(real).sendError(500, "boom");
        assertThat(capture.notStorableReason()).isEqualTo("send-error");
    }

    @Test
    void serverErrorsCanBeHeldForStaleIfError() throws IOException {
        capture.holdServerErrors(true);
        capture.sendError(503);
        verify(real, never()).sendError(anyInt());
        assertThat(capture.heldError()).isTrue();
        assertThat(capture.released()).isFalse();
    }

    @Test
    void sendRedirectGoesStraightThrough() throws IOException {
        capture.sendRedirect("/elsewhere");
        verify(real).sendRedirect("/elsewhere");
        assertThat(capture.notStorableReason()).isEqualTo("send-redirect");
    }

    @Test
    void tagHeaderIsRecordedButNeverSent() throws IOException {
        capture.setHeader("Cache-Tag", "a, b");
        capture.addHeader("cache-tag", "c");
        capture.finish();
        assertThat(capture.tags()).containsExactly("a", "b", "c");
        verify(real, never()).setHeader(org.mockito.ArgumentMatchers.eq("Cache-Tag"), any());
        verify(real, never()).addHeader(org.mockito.ArgumentMatchers.eq("cache-tag"), any());
    }

    @Test
    void contentTypeAndLengthHeadersGoToTheirOwnMethods() {
        capture.setHeader("Content-Type", "text/plain");
        capture.setHeader("Content-Length", "12");
        verify(real).setContentType("text/plain");
        assertThat(capture.heldHeaders()).doesNotContainKeys("Content-Type", "Content-Length");
    }

    @Test
    void writerUsesTheResponseCharacterEncoding() throws IOException {
        when(real.getCharacterEncoding()).thenReturn("ISO-8859-1");
        capture.getWriter().print("é");
        assertThat(capture.body()).containsExactly((byte) 0xE9);
    }

    @Test
    void writerKeepsSurrogatePairsSplitAcrossWritesTogether() throws IOException {
        String emoji = "\uD83D\uDE00";
        capture.getWriter().write(emoji.charAt(0));
        capture.getWriter().write(emoji.charAt(1));
        assertThat(new String(capture.body(), StandardCharsets.UTF_8)).isEqualTo(emoji);
    }

    @Test
    void writerAndStreamAreExclusive() throws IOException {
        capture.getWriter();
        assertThatThrownBy(capture::getOutputStream).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cookiesAreHeldAndMarkTheResponse() throws IOException {
        Cookie c = new Cookie("a", "b");
        capture.addCookie(c);
        assertThat(capture.setsCookie()).isTrue();
        capture.finish();
        verify(real).addCookie(c);
    }

    @Test
    void resetForgetsWhatWasHeld() throws IOException {
        capture.setStatus(500);
        capture.setHeader("X-A", "1");
        capture.getOutputStream().write('x');
        capture.reset();
        assertThat(capture.getStatus()).isEqualTo(200);
        assertThat(capture.heldHeaders()).isEmpty();
        assertThat(capture.body()).isEmpty();
    }

    @Test
    void writeListenerReleasesToTheRealStream() throws IOException {
        capture.getOutputStream().write('x');
        capture.getOutputStream().setWriteListener(mock(WriteListener.class));
        assertThat(capture.released()).isTrue();
        assertThat(sent.toString()).isEqualTo("x");
    }
}
