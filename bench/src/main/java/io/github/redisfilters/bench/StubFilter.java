package io.github.redisfilters.bench;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * The practical limit: a filter that makes a fixed number of raw Jedis round trips and has no
 * logic at all. Each round trip is an {@code EVALSHA} of a trivial one-key script (the shape of
 * most filters' hot path), issued on the same kind of pooled client the library builds.
 *
 * <p>Init-params: {@code roundTrips} (sequential round trips, default 1) and {@code pipelined}
 * (commands per round trip, sent as one pipeline when &gt; 1, default 1).
 */
public final class StubFilter implements Filter {
    static final String SCRIPT = "return 1";

    private UnifiedJedis jedis;
    private String sha;
    private int roundTrips;
    private int pipelined;
    private final List<String> keys = List.of("bench:stub");
    private final List<String> args = List.of();

    @Override
    public void init(FilterConfig config) throws ServletException {
        roundTrips = intParam(config, "roundTrips", 1);
        pipelined = intParam(config, "pipelined", 1);
        jedis = StubClients.get(config.getServletContext().getInitParameter("redisUrl"));
        sha = jedis.scriptLoad(SCRIPT);
    }

    private static int intParam(FilterConfig c, String name, int dflt) {
        String v = c.getInitParameter(name);
        return v == null ? dflt : Integer.parseInt(v.trim());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        for (int i = 0; i < roundTrips; i++) {
            if (pipelined <= 1) {
                jedis.evalsha(sha, keys, args);
            } else {
                try (AbstractPipeline p = jedis.pipelined()) {
                    for (int k = 0; k < pipelined; k++) {
                        p.evalsha(sha, keys, args);
                    }
                    p.sync();
                }
            }
        }
        chain.doFilter(request, response);
    }
}
