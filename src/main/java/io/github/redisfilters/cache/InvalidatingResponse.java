package io.github.redisfilters.cache;

import io.github.redisfilters.internal.web.OnCommitResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Wraps the response of an unsafe request so that the cache invalidation runs before the client
 * can see the response: a client that gets its {@code 201} and immediately reads the list must
 * not be served the stale list (read-your-writes, across servers). Errors never invalidate.
 */
final class InvalidatingResponse extends OnCommitResponseWrapper {
    private final Runnable invalidation;

    InvalidatingResponse(HttpServletResponse response, Runnable invalidation) {
        super(response);
        this.invalidation = invalidation;
    }

    @Override
    protected void onResponseCommit() {
        invalidation.run();
    }

    @Override
    public void sendError(int sc) throws IOException {
        disableHook();
        super.sendError(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        disableHook();
        super.sendError(sc, msg);
    }

    /** Runs the invalidation now if no commit path ran it yet (the chain returned uncommitted). */
    void finish() {
        fireHook();
    }
}
