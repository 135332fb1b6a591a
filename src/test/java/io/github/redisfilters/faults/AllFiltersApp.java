package io.github.redisfilters.faults;

import io.github.redisfilters.cache.ResponseCacheFilter;
import io.github.redisfilters.jwt.JwtBlacklistFilter;
import io.github.redisfilters.metrics.RedisFiltersStatusServlet;
import io.github.redisfilters.ratelimit.RateLimitFilter;
import io.github.redisfilters.session.RedisSessionFilter;
import io.github.redisfilters.testing.AppSetup;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;

/**
 * A small application behind all four filters, registered the way web.xml would (class + init
 * params), in the documented order: session, rate limit, JWT blacklist, cache.
 *
 * <ul>
 *   <li>{@code GET /api/products/{id}} — cacheable JSON (60 s ttl rule)</li>
 *   <li>{@code GET /api/plain} — no session, no token needed</li>
 *   <li>{@code GET|POST /api/cart} — counter in the session</li>
 *   <li>{@code POST /api/login} — a login as the demo does it: {@code user} put in the session, session id changed</li>
 *   <li>{@code GET /api/me} — echoes the bearer token's presence</li>
 *   <li>{@code GET /status} — the status servlet</li>
 * </ul>
 */
public final class AllFiltersApp {
    private AllFiltersApp() {
    }

    public static AppSetup setup(String redisUrl, Map<String, String> extraContextParams) {
        return setup(redisUrl, extraContextParams, Map.of("rules", "/api/** 1000000/1m fixed by ip"));
    }

    /** As {@link #setup(String, Map)}, with the rate-limit filter's own init-params (its rules) given. */
    public static AppSetup setup(String redisUrl, Map<String, String> extraContextParams, Map<String, String> rateLimitParams) {
        return ctx -> {
            Map<String, String> params = new java.util.HashMap<>(Map.of("redisUrl", redisUrl, "keyPrefix", "faults:",
                    "redisConnectTimeout", "300ms", "redisSocketTimeout", "300ms", "redisRetryInterval", "200ms"));
            params.putAll(extraContextParams); // setInitParameter never overrides, so merge first
            params.forEach(ctx::setInitParameter);
            filter(ctx, "session", RedisSessionFilter.class, Map.of(), "/*");
            filter(ctx, "rateLimit", RateLimitFilter.class, rateLimitParams, "/api/*");
            filter(ctx, "jwt", JwtBlacklistFilter.class, Map.of(), "/api/*");
            filter(ctx, "cache", ResponseCacheFilter.class, Map.of("rules", "/api/products/** 60s"), "/api/*");
            ctx.addServlet("api", new Api()).addMapping("/api/*");
            ctx.addServlet("status", RedisFiltersStatusServlet.class).addMapping("/status");
        };
    }

    private static void filter(ServletContext ctx, String name, Class<? extends jakarta.servlet.Filter> type,
            Map<String, String> params, String pattern) {
        FilterRegistration.Dynamic r = ctx.addFilter(name, type);
        params.forEach(r::setInitParameter);
        r.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, pattern);
    }

    /** An unsigned JWT-shaped token for alice with jti, iat and exp (the filter verifies no signature here). */
    public static String token(String jti, long iat, long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"jti\":\"" + jti + "\",\"sub\":\"alice\",\"iat\":" + iat + ",\"exp\":" + exp + "}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + b64.encodeToString("not-a-real-signature".getBytes(StandardCharsets.UTF_8));
    }

    static final class Api extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getPathInfo() == null ? "" : req.getPathInfo();
            resp.setContentType("application/json");
            if (path.startsWith("/products/")) {
                resp.getWriter().print("{\"id\":\"" + path.substring(10).replaceAll("[^0-9]", "") + "\"}");
            } else if (path.equals("/cart")) {
                HttpSession s = req.getSession(false);
                resp.getWriter().print("{\"n\":" + (s == null ? 0 : s.getAttribute("n")) + "}");
            } else if (path.equals("/me")) {
                resp.getWriter().print("{\"token\":" + (req.getHeader("Authorization") != null) + "}");
            } else {
                resp.getWriter().print("{\"ok\":true}");
            }
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if ("/login".equals(req.getPathInfo())) {
                HttpSession s = req.getSession(true);
                s.setAttribute("user", "alice");
                req.changeSessionId();
                resp.setContentType("application/json");
                resp.getWriter().print("{\"user\":\"alice\"}");
                return;
            }
            HttpSession s = req.getSession(true);
            Integer n = (Integer) s.getAttribute("n");
            s.setAttribute("n", n == null ? 1 : n + 1);
            resp.setContentType("application/json");
            resp.getWriter().print("{\"n\":" + s.getAttribute("n") + "}");
        }
    }
}
