package io.github.redisfilters.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.jwt.JwtBlacklistFilter;
import io.github.redisfilters.session.RedisSessionFilter;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RoundTrips;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The documented chain session → rate limit → JWT blacklist on one request: the session filter
 * defers its load, so the rate limiter is the first to need Redis, and its check carries the
 * session load and the blacklist lookup in the same pipeline. Round trips are Redis' own count of
 * read events ({@link RoundTrips}).
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class ChainRoundTripIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    ServletContainer app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    void start(String rules, Map<String, String> contextParams) {
        app = kind.start(ctx -> {
            ctx.setInitParameter("redisUrl", REDIS.process().url());
            contextParams.forEach(ctx::setInitParameter);
            filter(ctx, "session", new RedisSessionFilter(), Map.of(), "/*");
            filter(ctx, "rateLimit", new RateLimitFilter(), Map.of("rules", rules), "/api/*");
            filter(ctx, "jwt", new JwtBlacklistFilter(), Map.of(), "/api/*");
            ctx.addServlet("cart", new Cart()).addMapping("/api/*");
        });
    }

    static void filter(ServletContext ctx, String name, Filter filter, Map<String, String> params, String pattern) {
        FilterRegistration.Dynamic r = ctx.addFilter(name, filter);
        params.forEach(r::setInitParameter);
        r.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, pattern);
    }

    /** GET reads the cart from the session (never writes); POST adds one item. */
    static final class Cart extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession s = req.getSession(false);
            resp.getWriter().print("items=" + (s == null ? "none" : s.getAttribute("items")));
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession s = req.getSession(true);
            Integer n = (Integer) s.getAttribute("items");
            s.setAttribute("items", n == null ? 1 : n + 1);
            resp.getWriter().print("items=" + s.getAttribute("items"));
        }
    }

    /** An unsigned JWT-shaped token (the blacklist filter verifies no signature unless told to). */
    static String token(String jti) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"jti\":\"" + jti + "\",\"sub\":\"alice\",\"iat\":" + now + ",\"exp\":"
                + (now + 900) + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + b64.encodeToString("sig".getBytes(StandardCharsets.UTF_8));
    }

    static String cookie(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("SESSION=")).findFirst().orElseThrow()
                .split(";")[0];
    }

    long roundTrips(Runnable request, String[] commands) {
        try (RoundTrips rt = new RoundTrips(REDIS.process())) {
            long n = rt.of(request);
            commands[0] = rt.lastCommands().toString();
            return n;
        }
    }

    @Test
    void aRequestThatOnlyReadsItsSessionCostsOneRoundTripThroughSessionRateLimitAndJwt() {
        start("api: /api/** 1000/1m fixed; cart: /api/cart 500/1m sliding-counter", Map.of());
        String token = token("t-1");
        HttpResponse<String> created = Http.post(app.uri("/api/cart"), "", "Authorization", "Bearer " + token);
        assertThat(created.body()).isEqualTo("items=1");
        String cookie = cookie(created);
        for (int i = 0; i < 2; i++) { // connections made, scripts cached
            assertThat(Http.get(app.uri("/api/cart"), "Cookie", cookie, "Authorization", "Bearer " + token).body())
                    .isEqualTo("items=1");
        }
        String[] commands = new String[1];
        HttpResponse<String>[] r = new HttpResponse[1];
        long trips = roundTrips(() -> r[0] = Http.get(app.uri("/api/cart"), "Cookie", cookie, "Authorization", "Bearer " + token),
                commands);
        assertThat(r[0].statusCode()).isEqualTo(200);
        assertThat(r[0].body()).isEqualTo("items=1");
        assertThat(r[0].headers().firstValue("X-RateLimit-Limit")).as("both rules checked").hasValue("500");
        assertThat(trips).as(() -> "session load, rate-limit check (both rules, one script) and blacklist lookup: "
                + commands[0]).isEqualTo(1);
        assertThat(commands[0]).contains("evalsha=").contains("mget=1");
    }

    @Test
    void withBatchingOffTheSameRequestCostsOneRoundTripPerFilter() {
        start("api: /api/** 1000/1m fixed; cart: /api/cart 500/1m sliding-counter", Map.of("chainBatching", "false"));
        String token = token("t-2");
        String cookie = cookie(Http.post(app.uri("/api/cart"), "", "Authorization", "Bearer " + token));
        for (int i = 0; i < 2; i++) {
            Http.get(app.uri("/api/cart"), "Cookie", cookie, "Authorization", "Bearer " + token);
        }
        String[] commands = new String[1];
        long trips = roundTrips(() -> assertThat(Http.get(app.uri("/api/cart"), "Cookie", cookie, "Authorization",
                "Bearer " + token).statusCode()).isEqualTo(200), commands);
        assertThat(trips).as(commands[0]).isEqualTo(3);
    }

    @Test
    void aDeniedRequestStillCostsOneRoundTripAndTheSessionIsUntouched() {
        start("cart: /api/cart 3/1m fixed", Map.of());
        String token = token("t-3");
        String cookie = cookie(Http.post(app.uri("/api/cart"), "", "Authorization", "Bearer " + token));
        for (int i = 0; i < 2; i++) {
            Http.get(app.uri("/api/cart"), "Cookie", cookie, "Authorization", "Bearer " + token);
        }
        String[] commands = new String[1];
        HttpResponse<String>[] r = new HttpResponse[1];
        long trips = roundTrips(() -> r[0] = Http.get(app.uri("/api/cart"), "Cookie", cookie, "Authorization", "Bearer " + token),
                commands);
        assertThat(r[0].statusCode()).isEqualTo(429);
        assertThat(trips).as(commands[0]).isEqualTo(1);
    }
}
