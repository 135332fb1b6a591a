package io.github.redisfilters.ratelimit;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.metrics.FilterMetrics;
import io.github.redisfilters.runtime.FilterRuntime;
import io.github.redisfilters.web.ClientAddressResolver;
import io.github.redisfilters.web.ProblemResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rate limits requests by path rules and per-servlet {@link RateLimit} annotations, counted in
 * Redis so that every server of a cluster shares the same counters.
 *
 * <p>Every rule matching a request applies; all their policies are checked in one Redis round
 * trip and the request passes only if all admit it (a denied request consumes nothing). Denied
 * requests get 429 with an RFC 9457 {@code application/problem+json} body naming the violated
 * policies and {@code Retry-After}. See {@link RateLimitConfig} for every init-param.
 *
 * <pre>{@code
 * <filter>
 *   <filter-name>rateLimit</filter-name>
 *   <filter-class>io.github.redisfilters.ratelimit.RateLimitFilter</filter-class>
 *   <init-param><param-name>rules</param-name>
 *     <param-value>login: POST /api/auth/login 5/15m fixed; api: /api/** 100/1m sliding</param-value></init-param>
 * </filter>
 * }</pre>
 *
 * <p>Counters (per rule {@code r}): {@code allowed}, {@code allowed.r}, {@code limited},
 * {@code limited.r}, {@code errors}, {@code errors.r}, {@code rejected.r} (missing key).
 */
public class RateLimitFilter implements Filter {
    private final RateLimitConfig given;
    private RateLimitConfig config;
    private FilterRuntime runtime;
    private List<Rule> rules;
    private LimitPlanner planner;
    private RedisLimiter limiter;
    private RateLimitHeaders headers;
    private Map<String, String[]> counterNames;
    private boolean servletRules;

    /** For web.xml / {@code @WebFilter}: configured from init-params. */
    public RateLimitFilter() {
        this.given = null;
    }

    /** For programmatic registration ({@code ctx.addFilter(name, new RateLimitFilter(config))}). */
    public RateLimitFilter(RateLimitConfig config) {
        this.given = java.util.Objects.requireNonNull(config, "config");
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        RateLimitConfig base = given != null ? given : RateLimitConfig.fromInitParams(filterConfig);
        String component = "filter '" + filterConfig.getFilterName() + "'";
        try {
            config = base.withExtraRules(AnnotationRules.scan(filterConfig.getServletContext()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(component + ": " + e.getMessage(), e);
        }
        rules = config.rules();
        runtime = FilterRuntime.start(filterConfig, "ratelimit", config.redis(), config, "allowed", "limited", "errors");
        runtime.metrics().declarePerRule(rules.stream().map(Rule::name).toList(), "allowed", "limited", "errors", "rejected");
        RequestKeys keys = new RequestKeys(new ClientAddressResolver(config.trustedProxies()), config.ipv6Prefix(),
                config.keyResolver());
        planner = new LimitPlanner(runtime.keyPrefix(), keys, config.missingKey());
        limiter = new RedisLimiter(runtime.redis(), config.clock());
        headers = new RateLimitHeaders(config.headers());
        Map<String, String[]> names = new java.util.HashMap<>();
        for (Rule r : rules) {
            names.put(r.name(), new String[] {"allowed." + r.name(), "limited." + r.name()});
        }
        counterNames = names;
        servletRules = rules.stream().anyMatch(r -> r.servletName() != null);
    }

    /** The effective configuration (including annotation rules); null before {@code init}. */
    public RateLimitConfig config() {
        return config;
    }

    /** This filter's counters; null before {@code init}. */
    public FilterMetrics metrics() {
        return runtime == null ? null : runtime.metrics();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        List<Rule> matching = matching(request);
        if (matching.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        FilterMetrics metrics = runtime.metrics();
        LimitPlan plan = planner.plan(request, matching);
        if (plan.rejectedBy() != null) {
            metrics.increment("rejected." + plan.rejectedBy().name());
            String what = plan.rejectedBy().key() == KeySource.HEADER ? "header " + plan.rejectedBy().header()
                    : plan.rejectedBy().key().name().toLowerCase(java.util.Locale.ROOT);
            ProblemResponse.send(response, 401, "Unauthorized", "this resource is rate limited per " + what
                    + " and the request has none", Map.of("rule", plan.rejectedBy().name()));
            return;
        }
        Decision d;
        try {
            d = limiter.check(plan);
        } catch (RedisUnavailableException e) {
            // no per-request logging: the breaker logs once per outage
            metrics.increment("errors");
            for (Rule r : matching) {
                metrics.increment("errors." + r.name());
            }
            if (config.failureMode() == RateLimitConfig.FailureMode.CLOSED) {
                long secs = Math.max(1, (runtime.redis().settings().retryInterval().toMillis() + 999) / 1000);
                response.setHeader("Retry-After", Long.toString(secs));
                ProblemResponse.send(response, 503, "Service Unavailable",
                        "rate limiting is temporarily unavailable", null);
                return;
            }
            chain.doFilter(req, res);
            return;
        }
        count(metrics, d);
        boolean block = !d.admitted() && config.enforce();
        headers.write(response, d, block);
        if (block) {
            Set<String> violated = new LinkedHashSet<>();
            for (Decision.Outcome o : d.outcomes()) {
                if (!o.admitted()) {
                    violated.add(o.policy().name());
                }
            }
            ProblemResponse.send(response, 429, "Too Many Requests", "rate limit exceeded: " + String.join(", ", violated),
                    Map.of("policies", List.copyOf(violated), "retryAfter", d.secondsUntilReset(d.mostRestrictive())));
            return;
        }
        chain.doFilter(req, res);
    }

    private void count(FilterMetrics metrics, Decision d) {
        boolean admitted = d.admitted();
        metrics.increment(admitted ? "allowed" : "limited");
        List<Decision.Outcome> outcomes = d.outcomes();
        for (int i = 0; i < outcomes.size(); i++) {
            Rule rule = outcomes.get(i).rule();
            if (!countedBefore(outcomes, i, rule)) {
                String[] names = counterNames.get(rule.name());
                metrics.increment(admitted ? names[0] : names[1]);
            }
        }
    }

    /** True when an earlier outcome belongs to the same rule (each rule is counted once per request). */
    private static boolean countedBefore(List<Decision.Outcome> outcomes, int i, Rule rule) {
        for (int j = 0; j < i; j++) {
            if (outcomes.get(j).rule() == rule) {
                return true;
            }
        }
        return false;
    }

    private List<Rule> matching(HttpServletRequest request) {
        String path = request.getServletPath();
        if (request.getPathInfo() != null) {
            path = path + request.getPathInfo();
        }
        String servlet = null;
        HttpServletMapping mapping = servletRules ? request.getHttpServletMapping() : null;
        if (mapping != null) {
            servlet = mapping.getServletName();
        }
        String method = request.getMethod();
        List<Rule> out = null;
        for (int i = 0; i < rules.size(); i++) { // indexed: no iterator per request
            Rule r = rules.get(i);
            if (r.matches(method, path, servlet)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(r);
            }
        }
        return out == null ? List.of() : out;
    }

    @Override
    public void destroy() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
