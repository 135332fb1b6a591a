package io.github.redisfilters.faults.leakapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * The servlet of the webapp {@code SessionLeakIT} deploys from a directory, so that it and the
 * library are loaded by Tomcat's webapp class loader.
 *
 * <ul>
 *   <li>{@code POST /s/add?item=x} — adds an item to the session's {@link Cart} (a class of the
 *       webapp itself) and counts visits</li>
 *   <li>{@code GET /s} — the cart and the visits</li>
 *   <li>{@code POST /s/login} — {@code changeSessionId()}</li>
 *   <li>{@code POST /s/logout} — invalidates the session</li>
 * </ul>
 *
 * <p>With the init-param {@code leakThread=true} it starts a thread it never stops: the control
 * case showing that the test's leak detection does see a leak.
 */
public class SessionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    public void init() throws ServletException {
        if ("true".equals(getInitParameter("leakThread"))) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // the test ends the control leak by interrupting it
                }
            }, "leakapp-deliberately-leaked-thread");
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession s = req.getSession(false);
        resp.setContentType("text/plain");
        resp.getWriter().print(s == null ? "none" : s.getAttribute("cart") + " visits=" + s.getAttribute("visits"));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        resp.setContentType("text/plain");
        switch (path) {
            case "/login" -> {
                req.getSession(true);
                resp.getWriter().print(req.changeSessionId().isEmpty() ? "?" : "changed");
            }
            case "/logout" -> {
                HttpSession s = req.getSession(false);
                if (s != null) {
                    s.invalidate();
                }
                resp.getWriter().print("invalidated");
            }
            default -> {
                HttpSession s = req.getSession(true);
                Cart cart = (Cart) s.getAttribute("cart");
                Integer visits = (Integer) s.getAttribute("visits");
                s.setAttribute("cart", (cart == null ? new Cart() : cart).with(req.getParameter("item")));
                s.setAttribute("visits", visits == null ? 1 : visits + 1);
                resp.getWriter().print(s.getAttribute("cart") + " visits=" + s.getAttribute("visits"));
            }
        }
    }
}
