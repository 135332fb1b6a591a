package io.github.redisfilters.session;

import static io.github.redisfilters.session.RedisSessionFilterIT.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Throughput of the session filter (on Tomcat) against the container's own in-memory session on the same
 * servlet, read-mostly and write-heavy, with {@code wrk}. Off by default; run with
 * {@code -Dbench=true -Dit.test=SessionBenchIT}. Prints a table; asserts only that wrk ran.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class SessionBenchIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    @Test
    void bench() throws Exception {
        RedisProcess redis = REDIS.process();
        try (ServletContainer withFilter = ContainerKind.TOMCAT.start(SessionTestApp.app("redisUrl", redis.url(), Map.of()));
             ServletContainer container = ContainerKind.TOMCAT.start(ctx -> ctx.addServlet("ops", new SessionTestApp.Ops())
                     .addMapping("/s/*"))) {
            String id = sessionId(Http.get(withFilter.uri("/s/set?name=a&value=1")));
            String jsession = Http.get(container.uri("/s/set?name=a&value=1")).headers().allValues("Set-Cookie").get(0);
            jsession = jsession.substring(0, jsession.indexOf(';'));
            List<String> lines = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String op : List.of("get?name=a", "set?name=a&value=2")) {
                    redis.resetStats();
                    double redisRps = wrk(withFilter.uri("/s/" + op).toString(), "SESSION=" + id);
                    long cmds = redis.commandStats().getOrDefault("evalsha", 0L);
                    double containerRps = wrk(container.uri("/s/" + op).toString(), jsession);
                    lines.add(String.format((round == 0 ? "warm-up " : "") + "round %d %-22s redis-session %8.0f req/s  container-session %8.0f req/s  ratio %.2f  evalsha=%d",
                            round, op, redisRps, containerRps, redisRps / containerRps, cmds));
                }
            }
            lines.forEach(System.out::println);
            assertThat(lines).hasSize(6);
        }
    }

    static double wrk(String url, String cookie) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wrk", "-t2", "-c16", "-d5s", "-H", "Cookie: " + cookie, url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = RPS.matcher(out);
        if (!m.find() || out.contains("Non-2xx")) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return Double.parseDouble(m.group(1));
    }
}
