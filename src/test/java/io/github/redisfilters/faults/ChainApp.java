package io.github.redisfilters.faults;

import io.github.redisfilters.cache.ResponseCacheFilter;
import io.github.redisfilters.jwt.JwtBlacklistFilter;
import io.github.redisfilters.ratelimit.RateLimitFilter;
import io.github.redisfilters.session.RedisSessionFilter;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * All four filters in the README's order (session, rate limit, JWT blacklist with a required
 * token, cache with {@code shareAuthorized}) in front of {@code /api/page} (public, cacheable)
 * and {@code /api/cart} (a session counter: GET reads it; a POST to either increments it, and a
 * POST to {@code /api/page} also invalidates the cached page). A client of it
 * holds a bearer token and, after {@link #start}, a session cookie.
 */
final class ChainApp implements AutoCloseable {
    /** What the client saw of one request, and the Redis round trips it cost. */
    record Seen(long roundTrips, String commands, int status, String remaining, String cache, String body) {
        /** The answer without the cost. */
        /** The answer, with the remaining quota as used since {@code first} (warm-up may take a varying number). */
        List<String> answer(Seen first) {
            String used = remaining == null || first.remaining == null ? String.valueOf(remaining)
                    : Long.toString(Long.parseLong(first.remaining) - Long.parseLong(remaining));
            return List.of(Integer.toString(status), used, String.valueOf(cache), body);
        }
    }

    /** Each request's answer in a walk, its quota counted from the walk's first request. */
    static List<List<String>> answers(List<Seen> walk) {
        List<List<String>> out = new ArrayList<>(walk.size());
        for (Seen s : walk) {
            out.add(s.answer(walk.get(0)));
        }
        return out;
    }

    /** Counts the round trips of an action (one server, or the sum over a Cluster's nodes). */
    interface Counter {
        /**
         * Round trips of {@code action} and of what follows it until {@code settledKey} exists
         * (null: nothing to wait for), such as a cache store after the response.
         */
        long of(Runnable action, String settledKey);

        String commands();
    }

    private final ServletContainer server;
    private final String token;
    private final String keyPrefix;
    private String cookie;

    private ChainApp(ServletContainer server, String token, String keyPrefix) {
        this.server = server;
        this.token = token;
        this.keyPrefix = keyPrefix;
    }

    /**
     * Starts the application with the given Redis context-params (redisUrl, or Sentinel/Cluster
     * nodes), logs in (creates the session) and warms up: connections made and scripts cached, so
     * that no connect or script load is counted later.
     */
    static ChainApp start(ContainerKind kind, Map<String, String> redisParams, boolean batching, String keyPrefix) {
        ServletContainer server = kind.start(ctx -> {
            redisParams.forEach(ctx::setInitParameter);
            ctx.setInitParameter("keyPrefix", keyPrefix);
            ctx.setInitParameter("chainBatching", Boolean.toString(batching));
            filter(ctx, "session", RedisSessionFilter.class, Map.of(), "/*");
            filter(ctx, "rateLimit", RateLimitFilter.class, Map.of("rules", "/api/** 1000000/1h fixed by ip"), "/api/*");
            filter(ctx, "jwt", JwtBlacklistFilter.class, Map.of("required", "true"), "/api/*");
            filter(ctx, "cache", ResponseCacheFilter.class, Map.of("rules", "/api/page 5m", "shareAuthorized", "true"), "/api/*");
            ctx.addServlet("api", new Api()).addMapping("/api/*");
        });
        long now = System.currentTimeMillis() / 1000;
        ChainApp app = new ChainApp(server, AllFiltersApp.token(keyPrefix + "jti", now - 10, now + 3600), keyPrefix);
        HttpResponse<String> login = app.send("POST", "/api/cart");
        if (login.statusCode() != 200) {
            app.close();
            throw new IllegalStateException("login answered " + login.statusCode() + ": " + login.body());
        }
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        app.cookie = setCookie.substring(0, setCookie.indexOf(';'));
        for (int i = 0; i < 3; i++) {
            app.send("POST", "/api/page");
            app.send("GET", "/api/page");
            app.send("GET", "/api/cart");
            app.send("GET", "/api/page?warm=" + i);
        }
        // the page is stored again (its store follows the response): the walk starts on a HIT
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"HIT".equals(app.send("GET", "/api/page").headers().firstValue("X-Cache").orElse(null))) {
            if (System.nanoTime() > deadline) {
                app.close();
                throw new IllegalStateException("/api/page was not stored again within 10 s");
            }
        }
        return app;
    }

    HttpResponse<String> send(String method, String path) {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + server.contextPath() + path);
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + token));
        if (cookie != null) {
            headers.add("Cookie");
            headers.add(cookie);
        }
        return method.equals("GET") ? Http.get(uri, headers.toArray(String[]::new))
                : Http.post(uri, "", headers.toArray(String[]::new));
    }

    Seen measure(Supplier<Counter> counters, String method, String path) {
        return measure(counters, method, path, null);
    }

    Seen measure(Supplier<Counter> counters, String method, String path, String settledKey) {
        Counter rt = counters.get();
        @SuppressWarnings("unchecked")
        HttpResponse<String>[] r = new HttpResponse[1];
        long n = rt.of(() -> r[0] = send(method, path), settledKey);
        return new Seen(n, rt.commands(), r[0].statusCode(), r[0].headers().firstValue("X-RateLimit-Remaining").orElse(null),
                r[0].headers().firstValue("X-Cache").orElse(null), r[0].body());
    }

    /**
     * The four kinds of request of issue 17, in this order: a cached public page (HIT), an
     * uncached page that reads the session, a request that writes the session and invalidates a
     * cached URL, a cache miss.
     */
    List<Seen> walk(Supplier<Counter> counters) {
        return List.of(measure(counters, "GET", "/api/page"), measure(counters, "GET", "/api/cart"),
                measure(counters, "POST", "/api/page"),  // a session write that also invalidates a cached URL
                // the store follows the response: counted until the entry exists
                measure(counters, "GET", "/api/page?n=fresh", keyPrefix + "cache:{/api/page?n=fresh}"));
    }

    @Override
    public void close() {
        server.close();
    }

    static void filter(ServletContext ctx, String name, Class<? extends Filter> type, Map<String, String> params,
            String pattern) {
        FilterRegistration.Dynamic r = ctx.addFilter(name, type);
        params.forEach(r::setInitParameter);
        r.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, pattern);
    }

    static final class Api extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("application/json");
            if ("/page".equals(req.getPathInfo())) {
                resp.setHeader("Cache-Control", "public, max-age=300");
                resp.getWriter().print("{\"page\":true}");
            } else {
                HttpSession s = req.getSession(false);
                resp.getWriter().print("{\"n\":" + (s == null ? null : s.getAttribute("n")) + "}");
            }
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession s = req.getSession(true);
            Integer n = (Integer) s.getAttribute("n");
            s.setAttribute("n", n == null ? 1 : n + 1);
            resp.setContentType("application/json");
            resp.getWriter().print("{\"n\":" + s.getAttribute("n") + "}");
        }
    }
}
