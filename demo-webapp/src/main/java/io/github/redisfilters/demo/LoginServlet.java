package io.github.redisfilters.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.redisfilters.ratelimit.Algorithm;
import io.github.redisfilters.ratelimit.RateLimit;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /api/auth/login}. Its limit (5 per 15 minutes per client, fixed window) is declared
 * right here with {@link RateLimit}; the RateLimitFilter finds it through the servlet mapping.
 */
@RateLimit(name = "login", limit = 5, window = "15m", algorithm = Algorithm.FIXED, methods = "POST")
public class LoginServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private transient DemoServices services;

    @Override
    public void init() throws ServletException {
        services = DemoServices.of(getServletContext());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        login(req, resp);
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = Json.readObject(req, resp);
        if (body == null) {
            return;
        }
        String user = body.path("username").asText(null);
        String password = body.path("password").asText(null);
        if (!Users.check(user, password)) {
            Json.error(resp, 401, "wrong username or password");
            return;
        }
        HttpSession session = req.getSession(true);
        req.changeSessionId(); // no session fixation across the login
        session.setAttribute("user", user);
        resp.setHeader("Cache-Control", "no-store");
        Json.send(resp, 200, Map.of("token", services.tokens().issue(user), "expiresIn", DemoTokens.LIFETIME_SECONDS));
    }
}
