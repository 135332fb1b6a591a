package io.github.redisfilters.demo;

import com.auth0.jwt.interfaces.DecodedJWT;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** {@code GET /api/me} (bearer): 200 {"sub": …}. */
public class MeServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private transient DemoServices services;

    @Override
    public void init() throws ServletException {
        services = DemoServices.of(getServletContext());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        DecodedJWT jwt = services.auth().require(req, resp);
        if (jwt != null) {
            resp.setHeader("Cache-Control", "private, no-store");
            Json.send(resp, 200, Map.of("sub", jwt.getSubject()));
        }
    }
}
