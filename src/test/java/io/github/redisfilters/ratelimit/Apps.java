package io.github.redisfilters.ratelimit;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Test applications: one servlet answering "ok" on every path, behind a {@link RateLimitFilter}. */
final class Apps {
    private Apps() {
    }

    static final class Ok extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print("ok");
        }
    }

    @RateLimit(limit = 2, window = "1h", name = "reports")
    @RateLimit(limit = 50, window = "1d", algorithm = Algorithm.FIXED, name = "reports-daily")
    static final class Reports extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().print("report");
        }
    }

    /** A filter configured from init-params (the web.xml path), with Redis at {@code redisUrl}. */
    static ServletContainer withInitParams(ContainerKind kind, String redisUrl, Map<String, String> params,
            AtomicReference<RateLimitFilter> filter) {
        return kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", redisUrl);
            RateLimitFilter f = new RateLimitFilter() {
            };
            if (filter != null) {
                filter.set(f);
            }
            // an anonymous subclass keeps the no-arg (init-param) path while letting the test read metrics
            FilterRegistration.Dynamic reg = ctx.addFilter("rateLimit", f);
            params.forEach(reg::setInitParameter);
            reg.addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("reports", new Reports()).addMapping("/reports/*");
            ctx.addServlet("ok", new Ok()).addMapping("/*");
        });
    }

    /** A filter registered programmatically with a config object. */
    static ServletContainer withConfig(ContainerKind kind, RateLimitConfig config) {
        return kind.start(ctx -> {
            ctx.addFilter("rateLimit", new RateLimitFilter(config)).addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("ok", new Ok()).addMapping("/*");
        });
    }
}
