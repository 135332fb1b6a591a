package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * A corpus of hostile requests through all four filters (raw sockets, so nothing is cleaned up by
 * an HTTP client): every answer is a 4xx or a clean pass, never a 5xx; nothing we echo can split a
 * header; every key written to Redis stays under the prefix and is bounded in length.
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class HostileInputIT {
    @Parameter
    ContainerKind kind;

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    /** The corpus in {@code hostile-requests.txt}: {request target, header lines}. */
    static List<String[]> corpus() throws java.io.IOException {
        List<String[]> c = new ArrayList<>();
        try (InputStream in = HostileInputIT.class.getResourceAsStream("hostile-requests.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int bar = line.indexOf(" |");
                c.add(new String[] {expand(line.substring(0, bar).trim()), expand(line.substring(bar + 2).trim())});
            }
        }
        assertThat(c).hasSizeGreaterThan(20);
        return c;
    }

    private static String expand(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(.+?)\\*(\\d+)}").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(m.group(1).repeat(Integer.parseInt(m.group(2)))));
        }
        m.appendTail(out);
        return out.toString().replace("\\r\\n", "\r\n");
    }

    @Test
    void everyHostileRequestGetsA4xxOrACleanPassAndKeysStayBounded() throws Exception {
        try (ServletContainer app = kind.start("/app", AllFiltersApp.setup(REDIS.process().url(), Map.of("keyPrefix", "hostile:")))) {
            for (String[] entry : corpus()) {
                String response = raw(app.port(), entry[0], entry[1]);
                String statusLine = response.isEmpty() ? "" : response.substring(0, response.indexOf('\r') < 0 ? response.length() : response.indexOf('\r'));
                assertThat(statusLine).as(entry[0].length() > 80 ? entry[0].substring(0, 80) : entry[0] + " " + (entry[1].length() > 80 ? entry[1].substring(0, 80) : entry[1]))
                        .matches("HTTP/1\\.1 [234]\\d\\d.*");
                String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
                assertThat(head.toLowerCase()).as("no header was injected").doesNotContain("x-injected").doesNotContain("set-cookie: x=y");
            }
        }
        try (Jedis j = REDIS.process().admin()) {
            Set<String> keys = j.keys("*");
            assertThat(keys).allSatisfy(k -> {
                assertThat(k).startsWith("hostile:");
                assertThat(k.length()).as(k.substring(0, Math.min(80, k.length()))).isLessThanOrEqualTo(400);
            });
        }
    }

    /** Sends one request over a raw socket and returns the whole response (status line first). */
    private static String raw(int port, String target, String extraHeaders) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            if (!extraHeaders.isEmpty()) {
                req.append(extraHeaders).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
