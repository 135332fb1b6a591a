package io.github.redisfilters.ratelimit;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.config.CidrRange;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.metrics.FilterMetrics;
import io.github.redisfilters.internal.runtime.FilterRuntime;
import io.github.redisfilters.internal.web.ClientAddressResolver;
import io.github.redisfilters.internal.web.ProblemResponse;
import io.github.redisfilters.internal.web.RequestPaths;
import io.github.redisfilters.internal.web.TrustedProxies;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>While Redis is unavailable each rule follows its failure mode (the filter's
 * {@code failureMode} when it does not say): {@code open} admits, {@code closed} answers 503 with
 * {@code Retry-After}, {@code local} enforces the rule with an in-memory limiter on each server.
 * Report-only rules are decided and reported but never deny; exempt addresses and keys skip a
 * rule. The decision is put in the request attribute {@value RateLimitDecision#ATTRIBUTE}
 * ({@link RateLimitDecision}) and given to the {@link RateLimitListener}, if any.
 *
 * <p>The Redis check is one read plan of the request batch: when this filter is the first of the
 * library's filters to need Redis, the lookups of the later ones (JWT blacklist, cache) and a
 * deferred session load travel in the same pipeline. It consumes quota, so no other filter ever
 * sends it early.
 *
 * <p>Counters: {@code allowed}, {@code limited}, {@code errors}, {@code local} (decided in memory),
 * {@code listener.errors}, and per rule {@code r}: {@code allowed.r}, {@code limited.r},
 * {@code errors.r}, {@code rejected.r} (missing key), {@code reported.r} (a report-only denial),
 * {@code exempt.r}, {@code local.r}.
 */
public class RateLimitFilter implements Filter {
    /** The request attribute holding the {@link RateLimitDecision}: {@value}. */
    public static final String DECISION_ATTRIBUTE = RateLimitDecision.ATTRIBUTE;
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateLimitConfig given;
    private RateLimitConfig config;
    private FilterRuntime runtime;
    private List<Rule> rules;
    /** Some rule covers a servlet by name (annotation rules): every request's servlet is looked up. */
    private boolean servletRules;
    private LimitPlanner planner;
    private RedisLimiter limiter;
    private LocalLimiter local;
    private RateLimitHeaders headers;
    private Map<Rule, String[]> counterNames;
    private LateServlets late;
    private RateLimitListener listener;
    private RequestBatch.Member member;

    /** Indexes into {@link #counterNames}' arrays. */
    private static final int ALLOWED = 0, LIMITED = 1, ERRORS = 2, REPORTED = 3, EXEMPT = 4, LOCAL = 5;

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
        ServletContext context = filterConfig.getServletContext();
        late = new LateServlets(context, component, context.getServletRegistrations().keySet());
        try {
            config = base.withExtraRules(AnnotationRules.scan(context));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(component + ": " + e.getMessage(), e);
        }
        rules = config.rules();
        servletRules = rules.stream().anyMatch(r -> r.servletName() != null);
        List<CidrRange> proxies = config.trustedProxies() != null ? config.trustedProxies()
                : TrustedProxies.forContext(filterConfig.getServletContext());
        runtime = FilterRuntime.start(filterConfig, "ratelimit", config.redisSettings(), config, "allowed", "limited", "errors", "local",
                "listener.errors");
        runtime.metrics().declarePerRule(rules.stream().map(Rule::name).toList(), "allowed", "limited", "errors", "rejected",
                "reported", "exempt", "local");
        RequestKeys keys = new RequestKeys(new ClientAddressResolver(proxies), config.ipv6Prefix(), config.keyResolver());
        planner = new LimitPlanner(runtime.keyPrefix(), keys, config.missingKey());
        limiter = new RedisLimiter(runtime.redis(), config.clock());
        local = new LocalLimiter(config.localMaxKeys());
        headers = new RateLimitHeaders(config.headers());
        listener = config.listener();
        Map<Rule, String[]> names = new java.util.IdentityHashMap<>();
        for (Rule r : rules) {
            String n = r.name();
            names.put(r, new String[] {"allowed." + n, "limited." + n, "errors." + n, "reported." + n, "exempt." + n, "local." + n});
        }
        counterNames = names;
        // The check consumes quota, so it never plans ahead for another filter (null); when it
        // reads, the batch adds the later filters' lookups and deferred plans to its pipeline.
        member = runtime.joinBatch(request -> null);
    }

    /** The effective configuration (including annotation rules); null before {@code init}. */
    public RateLimitConfig config() {
        return config;
    }

    /** This filter's counters; null before {@code init}. */
    FilterMetrics metrics() {
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
        try (RequestBatch.Scope batch = RequestBatch.enter(request, member)) {
            if (limit(request, response, matching, batch)) {
                chain.doFilter(req, res);
            }
        }
    }

    /** Decides and answers a denied request; true when the request goes on. */
    private boolean limit(HttpServletRequest request, HttpServletResponse response, List<Rule> matching,
            RequestBatch.Scope batch) throws IOException {
        FilterMetrics metrics = runtime.metrics();
        LimitPlan plan = planner.plan(request, matching);                       // plan
        if (plan.rejectedBy() != null) {
            metrics.increment("rejected." + plan.rejectedBy().name());
            String what = plan.rejectedBy().key() == KeySource.HEADER ? "header " + plan.rejectedBy().header()
                    : plan.rejectedBy().key().name().toLowerCase(java.util.Locale.ROOT);
            ProblemResponse.send(response, 401, "Unauthorized", "this resource is rate limited per " + what
                    + " and the request has none", Map.of("rule", plan.rejectedBy().name()));
            return false;
        }
        for (int i = 0; i < plan.exempt().size(); i++) {
            metrics.increment(counterNames.get(plan.exempt().get(i))[EXEMPT]);
        }
        if (plan.isEmpty()) {
            publish(request, new RateLimitDecision(null, RateLimitDecision.Source.EXEMPT, false, plan.exempt()));
            return true;
        }
        Decision d;
        try {
            d = limiter.check(plan, batch);                                     // read
        } catch (RedisUnavailableException e) {
            // no per-request logging: the breaker logs once per outage
            d = unavailable(request, response, plan);
            if (d == PASS || d == ANSWERED) {
                return d == PASS;
            }
        }
        return act(request, response, plan, d);                                // decide and act
    }

    /** {@link #unavailable} outcomes that are not local decisions: let the request pass; it was answered (503). */
    private static final Decision PASS = new Decision(true, 0, List.of()), ANSWERED = new Decision(false, 0, List.of());

    /**
     * Redis could not answer: each rule follows its failure mode. A closed rule answers 503; local
     * rules are decided in memory (returned); open rules let the request pass.
     *
     * @return the local decision, {@link #ANSWERED} when it answered 503, or {@link #PASS}
     */
    private Decision unavailable(HttpServletRequest request, HttpServletResponse response, LimitPlan plan) throws IOException {
        FilterMetrics metrics = runtime.metrics();
        metrics.increment("errors");
        List<LimitPlan.Check> localChecks = null;
        boolean closed = false;
        Rule last = null;
        List<LimitPlan.Check> checks = plan.checks();
        for (int i = 0; i < checks.size(); i++) {
            LimitPlan.Check c = checks.get(i);
            Rule r = c.rule();
            if (r != last) {
                metrics.increment(counterNames.get(r)[ERRORS]);
                last = r;
            }
            RateLimitConfig.FailureMode mode = r.failureMode() != null ? r.failureMode() : config.failureMode();
            if (mode == RateLimitConfig.FailureMode.CLOSED && !r.reportOnly()) {
                closed = true;
            } else if (mode == RateLimitConfig.FailureMode.LOCAL) {
                if (localChecks == null) {
                    localChecks = new ArrayList<>(checks.size());
                }
                localChecks.add(c);
            }
        }
        if (closed && config.enforce()) {
            publish(request, new RateLimitDecision(null, RateLimitDecision.Source.UNAVAILABLE, true, plan.exempt()));
            long secs = Math.max(1, (config.retryAfter().toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(secs));
            ProblemResponse.send(response, 503, "Service Unavailable", "rate limiting is temporarily unavailable", null);
            return ANSWERED;
        }
        if (localChecks == null) {
            publish(request, new RateLimitDecision(null, RateLimitDecision.Source.UNAVAILABLE, false, plan.exempt()));
            return PASS;
        }
        Decision d = local.check(localChecks, config.clock() != null ? config.clock().millis() : System.currentTimeMillis());
        metrics.increment("local");
        Rule lastLocal = null;
        for (int i = 0; i < localChecks.size(); i++) {
            Rule r = localChecks.get(i).rule();
            if (r != lastLocal) {
                metrics.increment(counterNames.get(r)[LOCAL]);
                lastLocal = r;
            }
        }
        return d;
    }

    /** Counts, publishes, writes the headers and, when an enforced policy denied, the denial; true when the request goes on. */
    private boolean act(HttpServletRequest request, HttpServletResponse response, LimitPlan plan, Decision d) throws IOException {
        count(runtime.metrics(), d);
        boolean block = !d.admitted() && config.enforce();
        publish(request, new RateLimitDecision(d, d.local() ? RateLimitDecision.Source.LOCAL : RateLimitDecision.Source.REDIS,
                block, plan.exempt()));
        headers.write(response, d, block);
        if (!block) {
            return true;
        }
        Decision.Outcome main = d.mostRestrictive();
        Rule rule = main.rule();
        Set<String> violated = new LinkedHashSet<>();
        List<Decision.Outcome> outcomes = d.outcomes();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).denies()) {
                violated.add(outcomes.get(i).policy().name());
            }
        }
        int status = rule.denyStatus();
        String detail = rule.denyMessage() != null ? rule.denyMessage() : "rate limit exceeded: " + String.join(", ", violated);
        ProblemResponse.send(response, status, title(status), detail,
                Map.of("policies", List.copyOf(violated), "retryAfter", d.secondsUntilReset(main)));
        return false;
    }

    private static String title(int status) {
        return switch (status) {
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            case 403 -> "Forbidden";
            case 400 -> "Bad Request";
            case 420 -> "Enhance Your Calm";
            default -> status < 500 ? "Request Limited" : "Service Unavailable";
        };
    }

    private void publish(HttpServletRequest request, RateLimitDecision decision) {
        request.setAttribute(DECISION_ATTRIBUTE, decision);
        if (listener != null) {
            try {
                listener.onDecision(request, decision);
            } catch (RuntimeException e) {
                runtime.metrics().increment("listener.errors");
                LOG.debug("rate-limit listener {} failed: {}", listener.getClass().getName(), e.toString());
            }
        }
    }

    private void count(FilterMetrics metrics, Decision d) {
        boolean admitted = d.admitted();
        metrics.increment(admitted ? "allowed" : "limited");
        List<Decision.Outcome> outcomes = d.outcomes();
        for (int i = 0; i < outcomes.size(); i++) {
            Decision.Outcome o = outcomes.get(i);
            Rule rule = o.rule();
            if (!countedBefore(outcomes, i, rule)) {
                String[] names = counterNames.get(rule);
                metrics.increment(admitted ? names[ALLOWED] : names[LIMITED]);
            }
            if (!o.admitted() && rule.reportOnly() && !reportedBefore(outcomes, i, rule)) {
                metrics.increment(counterNames.get(rule)[REPORTED]);
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

    private static boolean reportedBefore(List<Decision.Outcome> outcomes, int i, Rule rule) {
        for (int j = 0; j < i; j++) {
            if (outcomes.get(j).rule() == rule && !outcomes.get(j).admitted()) {
                return true;
            }
        }
        return false;
    }

    private List<Rule> matching(HttpServletRequest request) {
        String path = RequestPaths.applicationPath(request); // the same path every filter's patterns match
        String servlet = null;
        if (servletRules || late.sample()) { // the lookup costs: only for servlet rules, and now and then for late servlets
            HttpServletMapping mapping = request.getHttpServletMapping();
            servlet = mapping == null ? null : mapping.getServletName();
            late.check(servlet); // a servlet added after start: its annotations were never read (one ERROR)
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
        if (runtime != null) { // also leaves the request batch
            runtime.close();
        }
    }
}
