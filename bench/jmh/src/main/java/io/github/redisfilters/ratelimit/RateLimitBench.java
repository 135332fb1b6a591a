package io.github.redisfilters.ratelimit;

import io.github.redisfilters.internal.web.ClientAddressResolver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Rate-limit hot spots: building the plan (client key + Redis keys of every matching policy) for
 * one request, and formatting the {@code X-RateLimit-*} and IETF draft headers of a decision.
 * The request and response are minimal {@link Proxy} stand-ins (no container), so the figures
 * are the library's own work.
 *
 * <p>Run: {@code cd bench/jmh && mvn -o -B -q package && java -cp "target/classes:target/lib/*" org.openjdk.jmh.Main RateLimitBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RateLimitBench {
    private List<Rule> rules;
    private LimitPlanner planner;
    private HttpServletRequest request;
    private Decision decision;
    private RateLimitHeaders legacy;
    private RateLimitHeaders all;
    private Blackhole sink;

    @Setup
    public void setup(Blackhole bh) {
        sink = bh;
        rules = RuleParser.parseAll("burst: /api/** 20/1s fixed by ip; api: /api/** 100/1m sliding-counter by ip");
        planner = new LimitPlanner("app:ratelimit:", new RequestKeys(new ClientAddressResolver(List.of()), 64, null),
                MissingKey.IP);
        Map<String, Object> answers = Map.of("getRemoteAddr", "203.0.113.77", "getMethod", "GET",
                "getServletPath", "/api", "getPathInfo", "/products/42", "getRequestURI", "/api/products/42",
                "getContextPath", "");
        request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> answers.get(m.getName()));
        long now = System.currentTimeMillis();
        decision = new Decision(true, now, List.of(
                new Decision.Outcome(rules.get(0), rules.get(0).policies().get(0), true, 17, now + 1000),
                new Decision.Outcome(rules.get(1), rules.get(1).policies().get(0), true, 88, now + 60_000)));
        legacy = new RateLimitHeaders(RateLimitConfig.Headers.LEGACY);
        all = new RateLimitHeaders(RateLimitConfig.Headers.ALL);
    }

    private HttpServletResponse response() {
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    if (a != null) {
                        for (Object o : a) {
                            sink.consume(o);
                        }
                    }
                    return null;
                });
    }

    private HttpServletResponse response;

    @Setup
    public void setupResponse() {
        response = response();
    }

    @Benchmark
    public LimitPlan plan() {
        return planner.plan(request, rules);
    }

    @Benchmark
    public void headersLegacy() {
        legacy.write(response, decision, false);
    }

    @Benchmark
    public void headersLegacyAndDraft() {
        all.write(response, decision, false);
    }
}
