package io.github.redisfilters.demo;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The landing page ({@code GET /}) and its script and style sheet: plain files under
 * {@code WEB-INF/page/}, no build step. The page calls the API with {@code fetch} and shows what
 * each filter did (limit headers, {@code X-Cache}, the session cart, the token, {@code /health}).
 */
public class PageServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/demo.js", "demo.js",
            "/demo.css", "demo.css");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=UTF-8",
            "js", "text/javascript;charset=UTF-8",
            "css", "text/css;charset=UTF-8");

    private transient Map<String, byte[]> contents;

    @Override
    public void init() throws ServletException {
        Map<String, byte[]> loaded = new HashMap<>();
        for (String file : FILES.values()) {
            try (InputStream in = getServletContext().getResourceAsStream("/WEB-INF/page/" + file)) {
                if (in == null) {
                    throw new ServletException("/WEB-INF/page/" + file + " is missing from the WAR");
                }
                loaded.put(file, in.readAllBytes());
            } catch (IOException e) {
                throw new ServletException(e);
            }
        }
        contents = Map.copyOf(loaded);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath().isEmpty() ? "/" : req.getServletPath();
        String file = FILES.get(path);
        if (file == null) {
            Json.error(resp, 404, "not found");
            return;
        }
        byte[] body = contents.get(file);
        resp.setContentType(TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        // the page loads only its own script and style and talks only to this origin
        resp.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
