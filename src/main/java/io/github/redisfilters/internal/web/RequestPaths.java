package io.github.redisfilters.internal.web;

import jakarta.servlet.http.HttpServletRequest;

/** The one place that says which path of a request the filters' patterns and rules match. */
public final class RequestPaths {
    private RequestPaths() {
    }

    /**
     * The request's path inside its web application: servlet path + path info, as the container
     * decoded and normalised them (no context path, no query, no {@code ;parameters}); {@code "/"}
     * when both are empty (a request for the context root mapped to the default servlet).
     */
    public static String applicationPath(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String info = request.getPathInfo();
        if (info == null) {
            return servletPath == null || servletPath.isEmpty() ? "/" : servletPath;
        }
        return servletPath == null || servletPath.isEmpty() ? info : servletPath + info;
    }
}
