package io.github.redisfilters.demo;

import io.github.redisfilters.jwt.JwtBlacklistConfig;
import io.github.redisfilters.jwt.JwtBlacklistFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.time.Duration;

/**
 * The {@link JwtBlacklistFilter} with the demo's signature check as its verifier. Declared in
 * web.xml like the other filters (so the chain order stays in one place), but configured in code:
 * the verifier needs the signing key the {@link DemoApplication} listener made at start, which a
 * {@code verifierClass} init-param (a no-arg class) cannot reach.
 */
public class DemoJwtBlacklistFilter implements Filter {
    private JwtBlacklistFilter filter;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        DemoTokens tokens = DemoServices.of(filterConfig.getServletContext()).tokens();
        filter = new JwtBlacklistFilter(JwtBlacklistConfig.builder()
                .verifier(tokens)
                .realm("shop")
                .maxTokenLifetime(Duration.ofSeconds(DemoTokens.LIFETIME_SECONDS))
                .build());
        filter.init(filterConfig);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        filter.doFilter(req, res, chain);
    }

    @Override
    public void destroy() {
        if (filter != null) {
            filter.destroy();
        }
    }
}
