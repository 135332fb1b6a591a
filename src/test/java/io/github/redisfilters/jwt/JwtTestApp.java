package io.github.redisfilters.jwt;

import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.metrics.MetricsRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;

/**
 * The demo's three endpoints, as a test application: {@code /api/me} answers the token's subject,
 * {@code /api/auth/logout} revokes the presented token, {@code /api/auth/logout-all} revokes every
 * token of its subject issued until now. Both revocations use the {@link TokenBlacklist} the
 * filter published in the context.
 */
final class JwtTestApp {
    private JwtTestApp() {
    }

    /** Adds a blacklist filter with these init-params on {@code urlPattern}. */
    static void filter(ServletContext ctx, String name, Map<String, String> initParams, String... urlPatterns) {
        FilterRegistration.Dynamic f = ctx.addFilter(name, JwtBlacklistFilter.class);
        initParams.forEach(f::setInitParameter);
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, urlPatterns);
    }

    static void servlets(ServletContext ctx) {
        ctx.addServlet("me", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String token = bearer(req);
                resp.setContentType("application/json");
                resp.getWriter().print("{\"sub\":\"" + (token == null ? "anonymous" : subject(token)) + "\"}");
            }
        }).addMapping("/api/me", "/closed/me", "/open/me", "/required/me", "/verified/me", "/cookie/me");
        ctx.addServlet("logout", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                TokenBlacklist.from(req.getServletContext()).revoke(bearer(req));
                resp.setStatus(204);
            }
        }).addMapping("/api/auth/logout");
        ctx.addServlet("logoutAll", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                TokenBlacklist.from(req.getServletContext()).revokeAllFor(subject(bearer(req)), Instant.now());
                resp.setStatus(204);
            }
        }).addMapping("/api/auth/logout-all");
    }

    static String bearer(HttpServletRequest req) {
        String h = req.getHeader("Authorization");
        return h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) ? null : h.substring(7).trim();
    }

    static String subject(String token) {
        try {
            return JwtClaims.parse(token).subject();
        } catch (MalformedTokenException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The counters of the filter named {@code name} in this context. */
    static FilterMetrics metrics(ServletContext ctx, String name) {
        return MetricsRegistry.of(ctx).all().stream().filter(m -> m.filterName().equals(name)).findFirst()
                .orElseThrow();
    }
}
