package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.MutableClock;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;

/** Two servers (two applications on one Redis) of the same container kind, as behind a load balancer. */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class JwtBlacklistFilterIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static ServletContainer serverA;
    static ServletContainer serverB;

    @Parameter
    ContainerKind kind;

    @BeforeParameterizedClassInvocation
    static void start(ContainerKind kind) {
        serverA = kind.start(ctx -> app(ctx));
        serverB = kind.start(ctx -> app(ctx));
    }

    private static void app(jakarta.servlet.ServletContext ctx) {
        ctx.setInitParameter("redisUrl", REDIS.process().url());
        JwtTestApp.filter(ctx, "jwt", Map.of(), "/api/*");
        JwtTestApp.filter(ctx, "jwtRequired", Map.of("required", "true", "realm", "shop"), "/required/*");
        JwtTestApp.filter(ctx, "jwtVerified", Map.of("verifierClass", TestTokens.Hs256Verifier.class.getName()), "/verified/*");
        JwtTestApp.filter(ctx, "jwtCookie", Map.of("cookieName", "jwt", "queryParameter", "access_token"), "/cookie/*");
        FilterRegistration.Dynamic clocked = ctx.addFilter("jwtClocked",
                new JwtBlacklistFilter(JwtBlacklistConfig.builder().clock(CLOCK).clockSkew(java.time.Duration.ZERO).build()));
        clocked.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/clocked/*");
        JwtTestApp.servlets(ctx);
        ctx.addServlet("clockedMe", new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp) {
                resp.setStatus(200);
            }
        }).addMapping("/clocked/me");
    }

    /** The clock of the filter on /clocked/*, moved by tests. */
    static final MutableClock CLOCK = new MutableClock(System.currentTimeMillis());

    @AfterParameterizedClassInvocation
    static void stop() {
        serverA.close();
        serverB.close();
    }


    private static String auth(String token) {
        return "Bearer " + token;
    }

    private static void assertRevoked(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer error=\"invalid_token\", error_description=\"token revoked\"");
    }

    @Test
    void aTokenRevokedOnOneServerIsRejectedByTheOtherImmediately() {
        String token = TestTokens.fresh("alice");
        String other = TestTokens.fresh("alice");
        assertThat(Http.get(serverB.uri("/api/me"), "Authorization", auth(token)).statusCode()).isEqualTo(200);

        HttpResponse<String> logout = Http.post(serverA.uri("/api/auth/logout"), "", "Authorization", auth(token));
        assertThat(logout.statusCode()).isEqualTo(204);

        assertRevoked(Http.get(serverB.uri("/api/me"), "Authorization", auth(token)));
        assertRevoked(Http.get(serverA.uri("/api/me"), "Authorization", auth(token)));
        HttpResponse<String> stillValid = Http.get(serverB.uri("/api/me"), "Authorization", auth(other));
        assertThat(stillValid.statusCode()).isEqualTo(200);
        assertThat(stillValid.body()).isEqualTo("{\"sub\":\"alice\"}");
        assertThat(JwtTestApp.metrics(serverB.servletContext(), "jwt").get("revoked")).isEqualTo(1);
    }

    @Test
    void logoutAllRevokesTheSubjectsEarlierTokensButNotLaterOnesNorOtherSubjects() {
        Instant now = Instant.now();
        String older = TestTokens.token("alice", UUID.randomUUID().toString(), now.minusSeconds(60), now.plusSeconds(840));
        String current = TestTokens.token("alice", UUID.randomUUID().toString(), now.minusSeconds(2), now.plusSeconds(900));
        String bobs = TestTokens.token("bob", UUID.randomUUID().toString(), now.minusSeconds(60), now.plusSeconds(840));

        assertThat(Http.post(serverA.uri("/api/auth/logout-all"), "", "Authorization", auth(current)).statusCode()).isEqualTo(204);

        assertRevoked(Http.get(serverB.uri("/api/me"), "Authorization", auth(older)));
        assertRevoked(Http.get(serverB.uri("/api/me"), "Authorization", auth(current)));
        assertThat(Http.get(serverB.uri("/api/me"), "Authorization", auth(bobs)).statusCode()).isEqualTo(200);
        // issued after the watermark's second (iat is whole seconds, so "after" means a later second)
        Instant later = Instant.now().plusSeconds(2);
        String afterwards = TestTokens.token("alice", UUID.randomUUID().toString(), later, later.plusSeconds(900));
        assertThat(Http.get(serverB.uri("/api/me"), "Authorization", auth(afterwards)).statusCode()).isEqualTo(200);
    }

    @Test
    void requestsWithoutATokenPassUnlessRequired() {
        HttpResponse<String> anonymous = Http.get(serverA.uri("/api/me"));
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).isEqualTo("{\"sub\":\"anonymous\"}");
        assertThat(Http.get(serverA.uri("/api/me"), "Authorization", "Basic dXNlcjpwdw==").statusCode()).isEqualTo(200);

        HttpResponse<String> required = Http.get(serverA.uri("/required/me"));
        assertThat(required.statusCode()).isEqualTo(401);
        assertThat(required.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"shop\"");
        assertThat(required.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(Http.get(serverA.uri("/required/me"), "Authorization", auth(TestTokens.fresh("bob"))).statusCode()).isEqualTo(200);
        assertThat(JwtTestApp.metrics(serverA.servletContext(), "jwtRequired").get("missing")).isEqualTo(1);
    }

    @Test
    void theVerifierHookRejectsForgedSignaturesBeforeAnyRedisCall() {
        String token = TestTokens.fresh("alice");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "Zm9yZ2Vk";
        assertThat(Http.get(serverA.uri("/verified/me"), "Authorization", auth(token)).statusCode()).isEqualTo(200);
        REDIS.process().resetStats();
        HttpResponse<String> r = Http.get(serverA.uri("/verified/me"), "Authorization", auth(forged));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer error=\"invalid_token\", error_description=\"token verification failed\"");
        assertThat(REDIS.process().totalCommands()).isZero();
        // without a verifier the same forged token is only checked against the blacklist
        assertThat(Http.get(serverA.uri("/api/me"), "Authorization", auth(forged)).statusCode()).isEqualTo(200);
    }

    @Test
    void cookieAndEnabledQueryParameterAreTokenSourcesButNotByDefault() {
        String token = TestTokens.fresh("dave");
        assertThat(Http.post(serverA.uri("/api/auth/logout"), "", "Authorization", auth(token)).statusCode()).isEqualTo(204);
        assertRevoked(Http.get(serverB.uri("/cookie/me"), "Cookie", "jwt=" + token));
        assertRevoked(Http.get(serverB.uri("/cookie/me?access_token=" + token)));
        // the /api filter has neither source enabled: the token is not even seen
        assertThat(Http.get(serverB.uri("/api/me?access_token=" + token)).body()).isEqualTo("{\"sub\":\"anonymous\"}");
        assertThat(Http.get(serverB.uri("/api/me"), "Cookie", "jwt=" + token).statusCode()).isEqualTo(200);
        HttpResponse<String> both = Http.get(serverB.uri("/cookie/me?access_token=" + token), "Authorization", auth(token));
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(both.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_request\""));
    }

    @Test
    void expiredTokensAreRejectedWithoutARedisRoundTrip() {
        Instant now = Instant.now();
        String expired = TestTokens.token("alice", "x1", now.minusSeconds(3600), now.minusSeconds(600));
        REDIS.process().resetStats();
        HttpResponse<String> r = Http.get(serverA.uri("/api/me"), "Authorization", auth(expired));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer error=\"invalid_token\", error_description=\"token expired\"");
        assertThat(REDIS.process().totalCommands()).isZero();
    }

    @Test
    void aTokenSeenBeforeIsStillJudgedByTheClockAndRedisOnEveryRequest() {
        CLOCK.set(System.currentTimeMillis());
        Instant now = CLOCK.instant();
        String token = TestTokens.token("dora", "c-" + kind, now.minusSeconds(10), now.plusSeconds(60));
        assertThat(Http.get(serverA.uri("/clocked/me"), "Authorization", auth(token)).statusCode()).isEqualTo(200);
        REDIS.process().resetStats();
        assertThat(Http.get(serverA.uri("/clocked/me"), "Authorization", auth(token)).statusCode()).isEqualTo(200);
        assertThat(REDIS.process().commandStats()).as("the parse is kept, the lookup is not").containsEntry("mget", 1L);
        TokenBlacklist.from(serverA.servletContext()).revoke(token);
        assertRevoked(Http.get(serverA.uri("/clocked/me"), "Authorization", auth(token)));
        CLOCK.advanceSeconds(61); // past exp (no skew): the kept parse must not keep it valid
        HttpResponse<String> r = Http.get(serverA.uri("/clocked/me"), "Authorization", auth(token));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer error=\"invalid_token\", error_description=\"token expired\"");
    }

    @Test
    void oneCheckIsOneRoundTrip() {
        String token = TestTokens.fresh("carol");
        Http.get(serverA.uri("/api/me"), "Authorization", auth(token)); // warm-up: connection pool
        REDIS.process().resetStats();
        for (int i = 0; i < 10; i++) {
            assertThat(Http.get(serverA.uri("/api/me"), "Authorization", auth(token)).statusCode()).isEqualTo(200);
        }
        assertThat(REDIS.process().commandStats()).containsEntry("mget", 10L);
        assertThat(REDIS.process().totalCommands()).isEqualTo(10);
    }

    static List<Arguments> corpus() {
        return MalformedTokens.headers();
    }

    @Test
    void malformedTokensGet4xxNeverA5xxAndAreNeverEchoed() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(originalErr, captured), true, StandardCharsets.UTF_8));
        int sent = 0;
        try {
            for (Arguments a : corpus()) {
                String label = (String) a.get()[0];
                String header = (String) a.get()[1];
                HttpResponse<String> r = Http.get(serverA.uri("/api/me"), "Authorization", header);
                sent++;
                assertThat(r.statusCode()).as(label).isIn(400, 401, 431);
                if (r.statusCode() != 431 && !(kind == ContainerKind.TOMCAT && r.statusCode() == 400 && label.equals("huge token"))) {
                    assertThat(r.headers().firstValue("WWW-Authenticate")).as(label)
                            .hasValueSatisfying(v -> assertThat(v).matches("Bearer error=\"invalid_(token|request)\", error_description=\"[ -!#-\\[\\]-~]+\""));
                }
                String token = header.replaceFirst("^Bearer ?", "").trim();
                String everything = r.body() + r.headers().map();
                for (String part : token.split("[.\\s]")) {
                    if (part.length() > 4) {
                        assertThat(everything).as(label).doesNotContain(part);
                    }
                }
            }
        } finally {
            System.setErr(originalErr);
        }
        assertThat(sent).isEqualTo(MalformedTokens.headers().size());
        String log = captured.toString(StandardCharsets.UTF_8);
        for (Arguments a : corpus()) {
            String token = ((String) a.get()[1]).replaceFirst("^Bearer ?", "").trim();
            for (String part : token.split("[.\\s]")) {
                if (part.length() > 8) {
                    assertThat(log).doesNotContain(part);
                }
            }
        }
        assertThat(JwtTestApp.metrics(serverA.servletContext(), "jwt").get("malformed")).isGreaterThanOrEqualTo(20);
    }

    /** Copies everything written to two streams. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }
}
