package io.github.redisfilters.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application behind every variant: a tiny JSON answer, optionally slowed down (the "origin"
 * of the cache benchmarks) or touching the session.
 *
 * <p>Init-params: {@code delayMs} (sleep before answering, default 0) and {@code session}
 * ({@code none} (default), {@code read}: {@code getSession(false).getAttribute("user")},
 * {@code write}: {@code getSession(true).setAttribute("n", counter)}) and {@code cacheControl} (a
 * {@code Cache-Control} response header). A request to a path ending in
 * {@code /login} always creates the session and stores {@code user} (used for setup).
 */
public final class AppServlet extends HttpServlet {
    static final byte[] BODY = "{\"hello\":\"world\",\"items\":[1,2,3,4,5,6,7,8]}".getBytes(StandardCharsets.UTF_8);

    private final AtomicLong counter = new AtomicLong();
    private long delayMs;
    private String session;
    private String cacheControl;

    @Override
    public void init() {
        String d = getInitParameter("delayMs");
        delayMs = d == null ? 0 : Long.parseLong(d);
        String s = getInitParameter("session");
        session = s == null ? "none" : s;
        cacheControl = getInitParameter("cacheControl");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (delayMs > 0) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String path = req.getPathInfo();
        if (path != null && path.endsWith("/login")) {
            HttpSession s = req.getSession(true);
            s.setAttribute("user", "alice");
            s.setAttribute("cart", "sku-1:2,sku-7:1");
        } else if ("read".equals(session)) {
            HttpSession s = req.getSession(false);
            if (s == null || s.getAttribute("user") == null) {
                resp.sendError(412, "no session");
                return;
            }
        } else if ("write".equals(session)) {
            HttpSession s = req.getSession(true);
            s.setAttribute("n", counter.incrementAndGet());
        }
        if (cacheControl != null) {
            resp.setHeader("Cache-Control", cacheControl);
        }
        resp.setContentType("application/json");
        resp.setContentLength(BODY.length);
        resp.getOutputStream().write(BODY);
    }
}
