package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.testing.RedisFixture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The full blacklist check (parse claims, plan, one MGET of two keys, decide) against the
 * cheapest possible Redis check, one EXISTS, on the same client. Run on demand:
 * {@code mvn -o -B verify -Dtest=NONE -Dit.test=JwtCheckBenchIT -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 * Prints medians; asserts only that both sides cost one command per check.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class JwtCheckBenchIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    static final int N = 20_000;

    @Test
    void blacklistCheckVersusOneExists() {
        {
            SharedRedisClient client = SharedRedisClient.create(RedisSettings.builder().url(REDIS.process().url()).build());
            TokenBlacklist blacklist = TokenBlacklist.create(client, JwtBlacklistConfig.defaults());
            String token = TestTokens.fresh("alice");
            blacklist.revokeAllFor("alice", java.time.Instant.now().minusSeconds(3600));
            String stubKey = "rsf:jwt:stub";
            Runnable check = () -> blacklist.isRevoked(token);
            Runnable stub = () -> client.call(j -> j.exists(stubKey));
            run(check, N);
            run(stub, N); // warm-up
            REDIS.process().resetStats();
            run(check, 1000);
            assertThat(REDIS.process().totalCommands()).isEqualTo(1000);
            REDIS.process().resetStats();
            run(stub, 1000);
            assertThat(REDIS.process().totalCommands()).isEqualTo(1000);
            List<Double> checkUs = new ArrayList<>();
            List<Double> stubUs = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                checkUs.add(run(check, N));
                stubUs.add(run(stub, N));
            }
            double c = median(checkUs);
            double s = median(stubUs);
            System.out.printf("BENCH jwt check: median %.1f us/op; one EXISTS stub: median %.1f us/op; ratio %.2f (rounds %s vs %s)%n",
                    c, s, c / s, checkUs, stubUs);
            client.close();
        }
    }

    /** The same comparison through real HTTP on Jetty: the filter vs a stub filter doing one EXISTS. */
    @Test
    void filterVersusOneExistsFilterOverHttp() {
        try (io.github.redisfilters.testing.ServletContainer app = io.github.redisfilters.testing.ContainerKind.JETTY.start(ctx -> {
                 ctx.setInitParameter("redisUrl", REDIS.process().url());
                 JwtTestApp.filter(ctx, "jwt", java.util.Map.of(), "/api/*");
                 ctx.addFilter("stub", new jakarta.servlet.Filter() {
                     SharedRedisClient client;

                     @Override
                     public void init(jakarta.servlet.FilterConfig fc) {
                         client = SharedRedisClient.acquire(fc.getServletContext(),
                                 RedisSettings.builder().url(REDIS.process().url()).build());
                     }

                     @Override
                     public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res,
                             jakarta.servlet.FilterChain chain) throws java.io.IOException, jakarta.servlet.ServletException {
                         if (client.call(j -> j.exists("rsf:jwt:stub"))) {
                             ((jakarta.servlet.http.HttpServletResponse) res).sendError(401);
                             return;
                         }
                         chain.doFilter(req, res);
                     }
                 }).addMappingForUrlPatterns(null, false, "/stub/*");
                 ctx.addServlet("ok", new jakarta.servlet.http.HttpServlet() {
                     @Override
                     protected void doGet(jakarta.servlet.http.HttpServletRequest q, jakarta.servlet.http.HttpServletResponse r)
                             throws java.io.IOException {
                         r.getWriter().print("ok");
                     }
                 }).addMapping("/api/ok", "/stub/ok");
             })) {
            String bearer = "Bearer " + TestTokens.fresh("alice");
            java.net.URI filter = app.uri("/api/ok");
            java.net.URI stubUri = app.uri("/stub/ok");
            Runnable viaFilter = () -> io.github.redisfilters.testing.Http.get(filter, "Authorization", bearer);
            Runnable viaStub = () -> io.github.redisfilters.testing.Http.get(stubUri, "Authorization", bearer);
            java.net.URI none = app.uri("/api/ok");
            Runnable noToken = () -> io.github.redisfilters.testing.Http.get(none);
            run(viaFilter, 3000);
            run(viaStub, 3000);
            run(noToken, 3000);
            // Interleaved request by request, so that load drift on this shared machine hits all alike;
            // per-request medians resist the spikes.
            long[][] nanos = new long[3][20_000];
            Runnable[] variants = {viaFilter, viaStub, noToken};
            for (int i = 0; i < nanos[0].length; i++) {
                for (int v = 0; v < 3; v++) {
                    long t0 = System.nanoTime();
                    variants[v].run();
                    nanos[v][i] = System.nanoTime() - t0;
                }
            }
            REDIS.process().resetStats();
            run(viaFilter, 100);
            assertThat(REDIS.process().totalCommands()).isEqualTo(100);
            double f = medianMicros(nanos[0]);
            double s = medianMicros(nanos[1]);
            double n = medianMicros(nanos[2]);
            System.out.printf("BENCH http (per-request medians, interleaved): jwt filter %.1f us; one-EXISTS stub filter %.1f us;"
                    + " no token (no Redis) %.1f us; filter - stub = %.1f us%n", f, s, n, f - s);
        }
    }

    private static double run(Runnable r, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / 1000.0 / n;
    }

    private static double medianMicros(long[] xs) {
        long[] c = xs.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2] / 1000.0;
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
