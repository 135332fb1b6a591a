package io.github.redisfilters.demo;

import com.auth0.jwt.interfaces.DecodedJWT;
import io.github.redisfilters.client.RedisUnavailableException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Instant;

/**
 * {@code POST /api/auth/logout} (blacklists the presented token until it expires and invalidates
 * the session) and {@code POST /api/auth/logout-all} (revokes every token of the user issued until
 * now and invalidates all the user's sessions).
 */
public class LogoutServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private transient DemoServices services;

    @Override
    public void init() throws ServletException {
        services = DemoServices.of(getServletContext());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getServletPath().endsWith("/logout-all")) {
            logoutAll(req, resp);
        } else {
            logout(req, resp);
        }
    }

    private void logout(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        DecodedJWT jwt = services.auth().require(req, resp);
        if (jwt == null) {
            return;
        }
        try {
            services.blacklist().revoke(jwt.getToken());
        } catch (RedisUnavailableException e) {
            Json.error(resp, 503, "cannot log out right now, try again");
            return;
        }
        HttpSession session = req.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        resp.setStatus(204);
    }

    private void logoutAll(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        DecodedJWT jwt = services.auth().require(req, resp);
        if (jwt == null) {
            return;
        }
        Instant now = Instant.now();
        try {
            // Sessions first: should the revocation then fail, the same token still works for a
            // retry. The other order left, after a failure in between, a revoked token that can no
            // longer ask again and sessions still logged in.
            services.sessions().invalidateAll(jwt.getSubject());
            services.blacklist().revokeAllFor(jwt.getSubject(), now);
        } catch (RedisUnavailableException e) {
            Json.error(resp, 503, "cannot log out right now, try again");
            return;
        }
        awaitNextSecond(now);
        HttpSession session = req.getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            } catch (IllegalStateException alreadyInvalidated) {
                // invalidateAll reached it first
            }
        }
        resp.setStatus(204);
    }

    /**
     * JWT {@code iat} has whole-second precision and the watermark revokes every token issued in
     * or before its second. Answering only once that second is over guarantees that a login made
     * after this response gets a token the watermark does not cover.
     */
    private static void awaitNextSecond(Instant revokedAt) {
        long waitMs = 1000 - revokedAt.getNano() / 1_000_000 + 1;
        try {
            Thread.sleep(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
