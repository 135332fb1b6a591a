package io.github.redisfilters.bench;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Peer: the minimal rate-limit filter a team would write with Bucket4j's Jedis proxy manager
 * ({@code Bucket4jJedis.casBasedBuilder(UnifiedJedis)}): one token bucket per client address
 * (or per {@code X-Forwarded-For} when the init-param {@code forwardedFor} is true), a limit never
 * reached. Under one hot key its compare-and-swap retries show up in Redis as extra
 * {@code GET}+{@code EVAL} pairs per request; the benchmark counts them from {@code INFO commandstats}.
 */
public final class Bucket4jFilter implements Filter {
    private ProxyManager<byte[]> buckets;
    private Supplier<BucketConfiguration> configuration;
    private boolean forwardedFor;

    @Override
    public void init(FilterConfig config) {
        long capacity = 1_000_000_000L;
        BucketConfiguration bc = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, Duration.ofMinutes(1)).build())
                .build();
        configuration = () -> bc;
        buckets = Bucket4jJedis.casBasedBuilder(StubClients.get(config.getServletContext().getInitParameter("redisUrl")))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(2)))
                .build();
        forwardedFor = Boolean.parseBoolean(config.getInitParameter("forwardedFor"));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String client = req.getRemoteAddr();
        if (forwardedFor) {
            String xff = req.getHeader("X-Forwarded-For");
            if (xff != null) {
                client = xff.trim();
            }
        }
        byte[] key = ("bench:b4j:" + client).getBytes(StandardCharsets.UTF_8);
        if (buckets.builder().build(key, configuration).tryConsume(1)) {
            chain.doFilter(request, response);
        } else {
            ((HttpServletResponse) response).sendError(429);
        }
    }
}
