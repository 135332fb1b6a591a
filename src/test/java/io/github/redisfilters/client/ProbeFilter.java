package io.github.redisfilters.client;

import io.github.redisfilters.internal.runtime.FilterRuntime;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A minimal filter on the shared client: INCRs a counter and reports it in a header. */
public class ProbeFilter implements Filter {
    static final List<SharedRedisClient> SEEN = new CopyOnWriteArrayList<>();
    private FilterRuntime runtime;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        runtime = FilterRuntime.start(filterConfig, "probe", null, "probe");
        SEEN.add(runtime.redis());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        String header;
        try {
            Long n = runtime.redis().call(j -> j.incr(runtime.keyPrefix() + "probe"));
            header = String.valueOf(n);
        } catch (RedisUnavailableException e) {
            runtime.metrics().increment("errors");
            header = "down";
        }
        runtime.metrics().increment("probes");
        ((HttpServletResponse) res).addHeader("X-Probe", header);
        chain.doFilter(req, res);
    }

    @Override
    public void destroy() {
        runtime.close();
    }
}
