package io.github.redisfilters.session;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/** For web.xml deployments: {@code /set}, {@code /login}, {@code /logout} and {@code /events} (what was recorded). */
public class EventsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String op = req.getPathInfo() == null ? "" : req.getPathInfo();
        switch (op) {
            case "/set" -> req.getSession().setAttribute("a", req.getParameter("value"));
            case "/login" -> {
                req.getSession();
                req.changeSessionId();
                req.getSession().setAttribute("user", req.getParameter("name"));
            }
            case "/logout" -> req.getSession().invalidate();
            case "/events" -> {
                java.util.List<String> events = RecordingListener.events(getServletContext());
                synchronized (events) {
                    resp.getWriter().print(String.join("|", events));
                    events.clear();
                }
                return;
            }
            default -> resp.sendError(404);
        }
        resp.getWriter().print("ok");
    }
}
