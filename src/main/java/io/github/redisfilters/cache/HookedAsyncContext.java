package io.github.redisfilters.cache;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * The async context an origin gets when it starts async under the cache: {@link #complete()}
 * first lets the cache finish the held response (store it, answer a 304 from the stored entry,
 * replace an error with a stale entry) on the completing thread, then completes. A completion that
 * comes before the cache filter has returned (a fast async thread) waits for the hook; a dispatch
 * lets the held response go first.
 */
final class HookedAsyncContext implements AsyncContext {
    private final AsyncContext real;
    private Runnable onComplete;
    private Runnable onDispatch;
    private boolean completeRequested;
    private boolean done;

    HookedAsyncContext(AsyncContext real) {
        this.real = real;
    }

    boolean wraps(AsyncContext other) {
        return other == real;
    }

    /** Sets what runs before completion; runs it at once (then completes) if completion was already asked. */
    void hook(Runnable beforeComplete, Runnable beforeDispatch) {
        boolean completeNow;
        synchronized (this) {
            onComplete = beforeComplete;
            onDispatch = beforeDispatch;
            completeNow = completeRequested && !done;
            done |= completeNow;
        }
        if (completeNow) {
            runQuietly(beforeComplete);
            real.complete();
        }
    }

    @Override
    public void complete() {
        Runnable hook;
        synchronized (this) {
            if (done) {
                return;
            }
            if (onComplete == null) {
                completeRequested = true; // the filter has not returned yet: it completes when it hooks
                return;
            }
            done = true;
            hook = onComplete;
        }
        runQuietly(hook);
        real.complete();
    }

    private void beforeDispatch() {
        Runnable hook;
        synchronized (this) {
            hook = onDispatch;
        }
        if (hook != null) {
            runQuietly(hook);
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // the cache's own work must never stop the response from completing
        }
    }

    @Override
    public void dispatch() {
        beforeDispatch();
        real.dispatch();
    }

    @Override
    public void dispatch(String path) {
        beforeDispatch();
        real.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        beforeDispatch();
        real.dispatch(context, path);
    }

    @Override
    public ServletRequest getRequest() {
        return real.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return real.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return real.hasOriginalRequestAndResponse();
    }

    @Override
    public void start(Runnable run) {
        real.start(run);
    }

    @Override
    public void addListener(AsyncListener listener) {
        real.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        real.addListener(listener, request, response);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        return real.createListener(clazz);
    }

    @Override
    public void setTimeout(long timeout) {
        real.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return real.getTimeout();
    }
}
