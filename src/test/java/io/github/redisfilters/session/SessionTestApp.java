package io.github.redisfilters.session;

import io.github.redisfilters.testing.AppSetup;
import io.github.redisfilters.testing.RedisProcess;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import redis.clients.jedis.Jedis;

/**
 * The application the session ITs talk to: one servlet at {@code /s/*} whose path names what it
 * does with the session. Operations that must prove "saved before the client saw the response"
 * check Redis themselves right after the commit call and report it.
 */
final class SessionTestApp {
    static volatile CyclicBarrier barrier;
    static volatile CountDownLatch arrived;
    static volatile CountDownLatch release;
    /** Results of checks made after sendError / sendRedirect, by operation. */
    static final Map<String, Boolean> CHECKS = new ConcurrentHashMap<>();
    static volatile Predicate<String[]> savedProbe = x -> false;

    private SessionTestApp() {
    }

    /** An app with the session filter first, with {@code params} as its init-params. */
    static AppSetup app(String redisParam, String redisValue, Map<String, String> params) {
        return ctx -> {
            ctx.setInitParameter(redisParam, redisValue);
            FilterRegistration.Dynamic f = ctx.addFilter("session", new RedisSessionFilter());
            params.forEach(f::setInitParameter);
            f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            ctx.addServlet("ops", new Ops()).addMapping("/s/*", "/poll/*", "/static/*");
        };
    }

    /** The Redis key of session {@code id}. */
    static String key(String prefix, String id) {
        return SessionKeys.key(prefix, id);
    }

    /** True when the session hash {@code key} holds attribute {@code name} (checked with a fresh connection). */
    static boolean stored(RedisProcess redis, String prefix, String id, String name) {
        try (Jedis j = redis.admin()) {
            return j.hexists(key(prefix, id), "a:" + name);
        }
    }

    static final class Ops extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String op = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            String name = req.getParameter("name");
            String value = req.getParameter("value");
            resp.setContentType("text/plain;charset=UTF-8");
            switch (op) {
                case "set" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, value);
                    resp.getWriter().print("ok " + s.isNew());
                }
                case "get" -> {
                    HttpSession s = req.getSession(false);
                    resp.getWriter().print(s == null ? "no-session" : String.valueOf(s.getAttribute(name)));
                }
                case "info" -> {
                    HttpSession s = req.getSession(false);
                    resp.getWriter().print(s == null ? "no-session" : "new=" + s.isNew() + " valid=" + req.isRequestedSessionIdValid()
                            + " fromCookie=" + req.isRequestedSessionIdFromCookie() + " created=" + s.getCreationTime()
                            + " last=" + s.getLastAccessedTime() + " max=" + s.getMaxInactiveInterval());
                }
                case "none" -> resp.getWriter().print("untouched");
                case "invalidate" -> {
                    HttpSession s = req.getSession(false);
                    if (s != null) {
                        s.invalidate();
                    }
                    try {
                        if (s != null) {
                            s.getAttribute("x");
                        }
                        resp.getWriter().print("no-ise");
                    } catch (IllegalStateException e) {
                        resp.getWriter().print("invalidated");
                    }
                }
                case "login" -> {
                    HttpSession s = req.getSession();
                    String old = s.getId();
                    String fresh = req.changeSessionId();
                    s.setAttribute("user", name);
                    resp.getWriter().print(old.equals(fresh) ? "same" : "changed");
                    if (req.getParameter("flush") != null) {
                        resp.flushBuffer(); // the session is saved here, and must not be saved again after
                    }
                }
                case "logoutAll" -> {
                    int n = RedisSessions.from(req.getServletContext()).invalidateAll(name);
                    resp.getWriter().print(n);
                }
                case "find" -> resp.getWriter().print(RedisSessions.from(req.getServletContext()).findByPrincipal(name).size());
                case "forever" -> {
                    HttpSession s = req.getSession();
                    s.setMaxInactiveInterval(0);
                    s.setAttribute("user", name);
                    resp.getWriter().print("ok");
                }
                case "short" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, value);
                    s.setMaxInactiveInterval(1);
                    resp.getWriter().print("ok");
                }
                case "redirect" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, value);
                    resp.sendRedirect("/elsewhere");
                    CHECKS.put(op, savedProbe.test(new String[] {s.getId(), name}));
                }
                case "error" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, value);
                    resp.sendError(418);
                    CHECKS.put(op, savedProbe.test(new String[] {s.getId(), name}));
                }
                case "flush" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, value);
                    resp.flushBuffer();
                    resp.getWriter().print("saved-before-commit=" + savedProbe.test(new String[] {s.getId(), name}));
                }
                case "stream" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, value);
                    ServletOutputStream out = resp.getOutputStream();
                    out.write("streamed ".getBytes());
                    out.flush();
                    out.write(("saved-before-commit=" + savedProbe.test(new String[] {s.getId(), name})).getBytes());
                }
                case "large" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, value);
                    PrintWriter w = resp.getWriter();
                    String chunk = "x".repeat(1000);
                    for (int i = 0; i < 200; i++) {
                        w.print(chunk);
                    }
                    w.print("|committed=" + resp.isCommitted() + "|saved-before-commit="
                            + savedProbe.test(new String[] {s.getId(), name}));
                }
                case "length" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, value);
                    byte[] body = "exactly".getBytes();
                    resp.setContentLength(body.length);
                    resp.getOutputStream().write(body);
                    CHECKS.put(op, savedProbe.test(new String[] {s.getId(), name}));
                }
                case "race" -> {
                    HttpSession s = req.getSession(false);
                    s.getAttribute("anything");
                    await(barrier);
                    s.setAttribute(name, value);
                    resp.getWriter().print("ok");
                }
                case "hold" -> {
                    HttpSession s = req.getSession(false);
                    s.setAttribute(name, value);
                    arrived.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    resp.getWriter().print("held");
                }
                case "requested" -> resp.getWriter().print(req.getRequestedSessionId() + " " + req.isRequestedSessionIdValid()
                        + " " + req.getRequestedSessionId());
                case "renew" -> {
                    // a fresh session replaces the loaded one, is saved at the first commit (flush),
                    // changed after it and saved again at the end of the request
                    HttpSession old = req.getSession(false);
                    if (old != null) {
                        old.invalidate();
                    }
                    HttpSession s = req.getSession(true);
                    s.setAttribute(name, "x".repeat(Integer.parseInt(value)));
                    resp.getWriter().print(s.getId());
                    resp.flushBuffer();
                    s.setAttribute("after", "1");
                }
                case "cart" -> cart(req, resp);
                case "big" -> {
                    HttpSession s = req.getSession();
                    s.setAttribute(name, "x".repeat(Integer.parseInt(value)));
                    resp.getWriter().print("ok");
                }
                default -> resp.sendError(404);
            }
        }

        /**
         * Exactly what the demo's CartServlet does with the session: read the one {@code cart}
         * attribute, copy it, add, set it back. {@code pause} (ms) widens the window between the
         * read and the write, so that unlocked requests would overlap there.
         */
        @SuppressWarnings("unchecked")
        private static void cart(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(true);
            Object c = session.getAttribute("cart");
            java.util.LinkedHashMap<String, Integer> cart = c instanceof java.util.LinkedHashMap
                    ? (java.util.LinkedHashMap<String, Integer>) c : null;
            java.util.LinkedHashMap<String, Integer> updated = cart == null ? new java.util.LinkedHashMap<>()
                    : new java.util.LinkedHashMap<>(cart);
            if (req.getParameter("sku") != null) {
                updated.merge(req.getParameter("sku"), 1, Integer::sum);
                String pause = req.getParameter("pause");
                if (pause != null) {
                    try {
                        Thread.sleep(Long.parseLong(pause));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                session.setAttribute("cart", updated);
            }
            resp.getWriter().print(updated.values().stream().mapToInt(Integer::intValue).sum() + " " + updated.size());
        }

        private static void await(CyclicBarrier b) {
            try {
                b.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
