package io.github.redisfilters.cache;

import io.github.redisfilters.internal.web.OnCommitResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The response the origin writes to on a miss: a {@link HeldResponse} (which holds everything
 * back) under the library's one commit-aware wrapper, whose commit paths — {@code flushBuffer},
 * writer or stream flush and close, {@code sendRedirect}, a non-held {@code sendError}, a body
 * reaching {@code maxEntrySize} — let the held response go to the client. Two differences from
 * other users of the wrapper: reaching the declared content length does not let go (the cache
 * holds complete responses on purpose), and a held {@code 304} or held server error is kept back
 * (the cache answers a 304 to its own validators from the stored entry, and may replace a 5xx
 * with a stale entry).
 */
final class CapturingResponse extends OnCommitResponseWrapper {
    private final HeldResponse held;
    private final long maxBody;

    CapturingResponse(HttpServletResponse real, long maxBody, String tagHeader) {
        this(new HeldResponse(real, maxBody, tagHeader), maxBody);
    }

    private CapturingResponse(HeldResponse held, long maxBody) {
        super(held);
        this.held = held;
        this.maxBody = maxBody;
    }

    @Override
    protected void onResponseCommit() {
        if (held.getStatus() == SC_NOT_MODIFIED) {
            return; // the client may have sent no condition: the cache answers from the stored entry
        }
        try {
            held.release();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected long commitThreshold() {
        return maxBody;
    }

    @Override
    protected boolean commitsAtContentLength() {
        return false;
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (held.holdsError(sc)) {
            held.sendError(sc, msg); // kept back for a stale entry; nothing reaches the client
        } else if (msg == null) {
            super.sendError(sc);
        } else {
            super.sendError(sc, msg);
        }
    }

    /** While a stale entry could replace an origin error, hold back {@code sendError} of a 5xx. */
    void holdServerErrors(boolean hold) {
        held.holdServerErrors(hold);
    }

    boolean heldError() {
        return held.heldError();
    }

    String notStorableReason() {
        return held.notStorableReason();
    }

    boolean released() {
        return held.released();
    }

    byte[] body() {
        return held.body();
    }

    List<String> tags() {
        return held.tags();
    }

    List<String> headerValues(String name) {
        return held.headerValues(name);
    }

    Map<String, List<String>> heldHeaders() {
        return held.heldHeaders();
    }

    boolean setsCookie() {
        return held.setsCookie();
    }

    void release() throws IOException {
        held.release();
    }

    void finish() throws IOException {
        held.finish();
    }

    void discard() {
        held.discard();
    }

    @Override
    public String toString() {
        return "CapturingResponse[" + held + "]";
    }
}
