package io.github.redisfilters.cache;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** The application the cache ITs run: one scripted origin servlet, an async one, annotated ones. */
final class CacheTestApp {
    /** What the origin does for one request; {@code n} counts origin renders from 1. */
    interface Origin {
        void handle(HttpServletRequest req, HttpServletResponse resp, int n) throws IOException;
    }

    static final Origin DEFAULT = (req, resp, n) -> {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print("body-" + n);
    };

    static volatile Origin origin = DEFAULT;
    static final AtomicInteger calls = new AtomicInteger();

    private CacheTestApp() {
    }

    static void reset() {
        origin = DEFAULT;
        calls.set(0);
    }

    static void install(ServletContext ctx, ResponseCacheConfig config) {
        FilterRegistration.Dynamic f = ctx.addFilter("cache", new ResponseCacheFilter(config));
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(null, false, "/*");
        ctx.addServlet("origin", new OriginServlet()).addMapping("/ttl/*", "/std/*", "/big/*");
        ServletRegistration.Dynamic async = ctx.addServlet("async", new AsyncServlet());
        async.setAsyncSupported(true);
        async.addMapping("/async/*");
        ServletRegistration.Dynamic asyncOrigin = ctx.addServlet("async-origin", new AsyncOriginServlet());
        asyncOrigin.setAsyncSupported(true);
        asyncOrigin.addMapping("/std/async/*");
        ctx.addServlet("annotated", new AnnotatedServlet()).addMapping("/annotated");
        ctx.addServlet("excluded", new ExcludedServlet()).addMapping("/ttl/excluded");
    }

    static class OriginServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            origin.handle(req, resp, calls.incrementAndGet());
        }
    }

    @CacheResponse(ttl = "10s", staleIfError = "5m")
    static class AnnotatedServlet extends OriginServlet {
    }

    @NoCache
    static class ExcludedServlet extends OriginServlet {
    }

    /** The scripted origin, answering on another thread and completing the async cycle there (as a proxy servlet does). */
    static class AsyncOriginServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            int n = calls.incrementAndGet();
            AsyncContext ac = req.startAsync();
            new Thread(() -> {
                try {
                    origin.handle(req, resp, n);
                } catch (IOException | RuntimeException e) {
                    resp.setStatus(500);
                } finally {
                    ac.complete();
                }
            }).start();
        }
    }

    /** Completes on another thread, writing through the response it was given (as proxy servlets do). */
    static class AsyncServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            int n = calls.incrementAndGet();
            AsyncContext ac = req.startAsync();
            new Thread(() -> {
                try {
                    Thread.sleep(50);
                    resp.setContentType("text/plain");
                    resp.getWriter().print("async-" + n);
                } catch (IOException | InterruptedException e) {
                    resp.setStatus(500);
                } finally {
                    ac.complete();
                }
            }).start();
        }
    }
}
