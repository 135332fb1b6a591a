package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.Commands;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.client.ReadPlan;
import io.github.redisfilters.internal.client.Replies;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.client.WritePlan;
import io.github.redisfilters.internal.runtime.FilterRuntime;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RoundTrips;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * The JWT blacklist and a second member (a probe that counts how often its lookup was sent) share
 * one Redis round trip per request, in either order; a lookup sent early for a filter the request
 * never reached is undone; the switch and the members' own rules are honoured. Round trips are
 * Redis' own count of read events.
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ChainBatchIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    ServletContainer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Starts jwt and probe on /api/* in the given order; extra context-params and probe init-params. */
    void start(boolean jwtFirst, Map<String, String> contextParams, Map<String, String> probeParams, String probePattern) {
        server = kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            contextParams.forEach(ctx::setInitParameter);
            if (jwtFirst) {
                JwtTestApp.filter(ctx, "jwt", Map.of(), "/api/*");
                probe(ctx, probeParams, probePattern);
            } else {
                probe(ctx, probeParams, probePattern);
                JwtTestApp.filter(ctx, "jwt", Map.of(), "/api/*");
            }
            JwtTestApp.servlets(ctx);
        });
    }

    static void probe(ServletContext ctx, Map<String, String> params, String pattern) {
        FilterRegistration.Dynamic f = ctx.addFilter("probe", ProbeFilter.class);
        params.forEach(f::setInitParameter);
        // isMatchAfter=false like JwtTestApp.filter: the chain runs in registration order
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, pattern);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + server.contextPath() + path);
    }

    String lastCommands = "";

    /** Redis read events while {@code request} ran; the commands it saw are kept in {@link #lastCommands}. */
    long roundTripsOf(Runnable request) {
        try (RoundTrips rt = new RoundTrips(REDIS.process())) {
            long n = rt.of(request);
            lastCommands = rt.lastCommands().toString();
            return n;
        }
    }

    String counter(String key) {
        try (Jedis j = REDIS.process().admin()) {
            return j.get(key);
        }
    }

    /** Revokes through a client of its own, closed at once (a dropped one would close its socket whenever GC runs). */
    void revoke(String token) {
        SharedRedisClient c = SharedRedisClient.create(io.github.redisfilters.client.RedisSettings.builder()
                .url(REDIS.process().url()).build());
        try {
            TokenBlacklist.create(c, JwtBlacklistConfig.builder().build()).revoke(token);
        } finally {
            c.close();
        }
    }

    HttpResponse<String> me(String token) {
        return Http.get(uri("/api/me"), "Authorization", "Bearer " + token);
    }

    void warm(String token) {
        assertThat(me(token).statusCode()).isEqualTo(200); // connections made, scripts cached
        try (Jedis j = REDIS.process().admin()) {
            j.del("probe:sent", "probe:undone");
        }
    }

    @Test
    void theBlacklistCheckAndALaterFiltersLookupShareOneRoundTrip() {
        start(true, Map.of(), Map.of(), "/api/*");
        String token = TestTokens.fresh("alice");
        warm(token);
        HttpResponse<String>[] r = new HttpResponse[1];
        assertThat(roundTripsOf(() -> r[0] = me(token))).as(() -> lastCommands).isEqualTo(1);
        assertThat(r[0].statusCode()).isEqualTo(200);
        assertThat(r[0].headers().firstValue("X-Probe")).hasValue("1");
        assertThat(counter("probe:sent")).isEqualTo("1");
        assertThat(counter("probe:undone")).isNull();
    }

    @Test
    void inTheOtherOrderTheProbeSendsTheBlacklistCheckAhead() {
        start(false, Map.of(), Map.of(), "/api/*");
        String token = TestTokens.fresh("alice");
        warm(token);
        assertThat(roundTripsOf(() -> assertThat(me(token).statusCode()).isEqualTo(200))).isEqualTo(1);
        revoke(token);
        HttpResponse<String>[] r = new HttpResponse[1];
        assertThat(roundTripsOf(() -> r[0] = me(token))).as(() -> lastCommands).isEqualTo(1);
        assertThat(r[0].statusCode()).as("the early-sent check still decides").isEqualTo(401);
        assertThat(counter("probe:undone")).as("the probe was reached: nothing to undo").isNull();
    }

    @Test
    void aLookupSentForAFilterTheRequestNeverReachedIsUndone() {
        start(true, Map.of(), Map.of(), "/api/*");
        String token = TestTokens.fresh("bob");
        warm(token);
        revoke(token);
        HttpResponse<String> r = me(token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("X-Probe")).isEmpty();
        assertThat(counter("probe:sent")).isEqualTo("1");
        // the undo is written as the first filter returns, which may be after the client has its answer
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(counter("probe:undone")).as("undo written once").isEqualTo("1"));
    }

    @Test
    void aPlanThatMustNotRunEarlyIsOnlySentByItsOwnFilter() {
        start(true, Map.of(), Map.of("early", "false"), "/api/*");
        String token = TestTokens.fresh("carol");
        warm(token);
        assertThat(roundTripsOf(() -> assertThat(me(token).statusCode()).isEqualTo(200))).isEqualTo(2);
        revoke(token);
        try (Jedis j = REDIS.process().admin()) {
            j.del("probe:sent");
        }
        assertThat(me(token).statusCode()).isEqualTo(401);
        assertThat(counter("probe:sent")).as("never sent for a request that did not reach it").isNull();
    }

    @Test
    void aFilterWhoseMappingDoesNotCoverTheRequestIsNotAsked() {
        start(true, Map.of(), Map.of(), "/other/*");
        String token = TestTokens.fresh("dave");
        assertThat(me(token).statusCode()).isEqualTo(200);
        assertThat(counter("probe:sent")).isNull();
    }

    /** session filter, then the probe with a write due before the response; POST /api/login creates a session. */
    void startWithSession(boolean batching) {
        server = kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            ctx.setInitParameter("chainBatching", Boolean.toString(batching));
            FilterRegistration.Dynamic session = ctx.addFilter("session", io.github.redisfilters.session.RedisSessionFilter.class);
            session.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            probe(ctx, Map.of("write", "true"), "/api/*");
            ctx.addServlet("login", new jakarta.servlet.http.HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    req.getSession(true).setAttribute("user", "alice");
                    resp.getWriter().print("ok");
                }
            }).addMapping("/api/login");
        });
    }

    long login() {
        HttpResponse<String>[] r = new HttpResponse[1];
        long n = roundTripsOf(() -> r[0] = Http.post(uri("/api/login"), ""));
        assertThat(r[0].statusCode()).isEqualTo(200);
        assertThat(r[0].headers().firstValue("Set-Cookie")).isPresent();
        return n;
    }

    @Test
    void aWriteDueBeforeTheResponseTravelsWithTheSessionSave() {
        startWithSession(true);
        login(); // connections made, scripts cached
        try (Jedis j = REDIS.process().admin()) {
            j.del("probe:written");
        }
        assertThat(login()).as(() -> "the probe's read, then session save + probe write: " + lastCommands).isEqualTo(2);
        assertThat(counter("probe:written")).as("written before the client had its answer").isEqualTo("1");
    }

    @Test
    void withoutBatchingTheDeferredWriteGoesOnItsOwn() {
        startWithSession(false);
        login();
        try (Jedis j = REDIS.process().admin()) {
            j.del("probe:written");
        }
        assertThat(login()).as(() -> "probe read, probe write, session save: " + lastCommands).isEqualTo(3);
        assertThat(counter("probe:written")).isEqualTo("1");
    }

    @Test
    void theContextParamTurnsBatchingOff() {
        start(true, Map.of("chainBatching", "false"), Map.of(), "/api/*");
        String token = TestTokens.fresh("erin");
        warm(token);
        assertThat(roundTripsOf(() -> assertThat(me(token).statusCode()).isEqualTo(200))).isEqualTo(2);
    }

    /**
     * A member whose lookup counts how often it was sent ({@code probe:sent}) and whose undo
     * counts undos ({@code probe:undone}); {@code early=false} makes its plan one that must not
     * run early. It puts the count it read in {@code X-Probe}.
     */
    public static final class ProbeFilter implements Filter {
        static final LuaScript COUNT = LuaScript.of("count.lua", "return redis.call('INCR', KEYS[1])");
        private FilterRuntime runtime;
        private RequestBatch.Member member;
        private boolean early;
        private boolean write;

        @Override
        public void init(FilterConfig config) throws ServletException {
            early = !"false".equals(config.getInitParameter("early"));
            write = "true".equals(config.getInitParameter("write"));
            runtime = FilterRuntime.start(config, "probe", null, "probe");
            member = runtime.joinBatch(request -> new Count("probe:sent", early));
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            try (RequestBatch.Scope batch = RequestBatch.enter(request, member)) {
                long sent = batch.read(new Count("probe:sent", early));
                ((HttpServletResponse) res).setHeader("X-Probe", Long.toString(sent));
                if (write) {
                    // due before the response is seen: with an earlier member that writes at commit, it rides along
                    Count w = new Count("probe:written", true);
                    if (!batch.deferWrite(w, n -> { })) {
                        runtime.redis().send(w);
                    }
                }
                chain.doFilter(req, res);
            }
        }

        @Override
        public void destroy() {
            runtime.close();
        }
    }

    record Count(String key, boolean early) implements ReadPlan<Long>, WritePlan<Long> {
        @Override
        public void addTo(Commands commands) {
            commands.eval(ProbeFilter.COUNT, List.of(key.getBytes(StandardCharsets.UTF_8)), List.of());
        }

        @Override
        public Long decide(Replies replies) {
            return replies.number(0);
        }

        @Override
        public boolean mayRunEarly() {
            return early;
        }

        @Override
        public WritePlan<?> undo(Long decision) {
            return new Count("probe:undone", true);
        }
    }
}
