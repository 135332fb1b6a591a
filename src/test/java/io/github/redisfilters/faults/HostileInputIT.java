package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    static RedisProcess redis;

    @BeforeAll
    static void start() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static String longString(int n, char c) {
        return String.valueOf(c).repeat(n);
    }

    static List<String[]> corpus() {
        List<String[]> c = new ArrayList<>();
        // {request target, extra header lines}
        c.add(new String[] {"/app/api/products/1", "X-Forwarded-For: not-an-ip, <script>, 999.1.1.1"});
        c.add(new String[] {"/app/api/products/1", "X-Forwarded-For: " + String.join(", ", java.util.Collections.nCopies(300, "10.0.0.1"))});
        c.add(new String[] {"/app/api/products/1", "X-Forwarded-For: 2001:db8::1, [2001:db8::2]:443, ::ffff:1.2.3.4"});
        c.add(new String[] {"/app/api/products/1", "Forwarded: for=\"_hidden\";proto=https, for=unknown, for=\"[::1]:80\""});
        c.add(new String[] {"/app/api/products/1", "X-Forwarded-For: 1.2.3.4\r\nX-Injected: yes"});
        c.add(new String[] {"/app/api/products/%zz", ""});
        c.add(new String[] {"/app/api/products/..%2f..%2f..%2fetc%2fpasswd", ""});
        c.add(new String[] {"/app/api/products/" + longString(3000, 'a'), ""});
        c.add(new String[] {"/app/api/products/1?" + longString(2000, 'q') + "=%GG&x=%00", ""});
        c.add(new String[] {"/app/api/products/1", "X-Forwarded-Host: evil.example"});
        c.add(new String[] {"/app/api/products/1", "Cache-Control: max-age=abc, no-cache=\"" + longString(500, 'x')});
        c.add(new String[] {"/app/api/products/1", "If-None-Match: " + longString(4000, '"')});
        c.add(new String[] {"/app/api/products/1", "If-Modified-Since: yesterday"});
        c.add(new String[] {"/app/api/me", "Authorization: Bearer"});
        c.add(new String[] {"/app/api/me", "Authorization: Bearer a.b.c\r\nAuthorization: Bearer d.e.f"});
        c.add(new String[] {"/app/api/me", "Authorization: Bearer " + longString(7000, 'A') + ".e30.x"});
        c.add(new String[] {"/app/api/me", "Authorization: Bearer ..."});
        c.add(new String[] {"/app/api/me", "Authorization: Bearer \u00e9\u00e9.\u00e9.\u00e9"});
        c.add(new String[] {"/app/api/cart", "Cookie: SESSION=../../etc/passwd"});
        c.add(new String[] {"/app/api/cart", "Cookie: SESSION=" + longString(4000, 'Z')});
        c.add(new String[] {"/app/api/cart", "Cookie: SESSION=a; SESSION=b; SESSION=" + longString(43, 'A')});
        c.add(new String[] {"/app/api/cart", "Cookie: SESSION=%00%0d%0aSet-Cookie:%20x=y"});
        c.add(new String[] {"/app/api/plain", "X-Api-Key: " + longString(6000, 'k')});
        return c;
    }

    @Test
    void everyHostileRequestGetsA4xxOrACleanPassAndKeysStayBounded() throws Exception {
        try (ServletContainer app = kind.start("/app", AllFiltersApp.setup(redis.url(), Map.of("keyPrefix", "hostile:")))) {
            for (String[] entry : corpus()) {
                String response = raw(app.port(), entry[0], entry[1]);
                String statusLine = response.isEmpty() ? "" : response.substring(0, response.indexOf('\r') < 0 ? response.length() : response.indexOf('\r'));
                assertThat(statusLine).as(entry[0].length() > 80 ? entry[0].substring(0, 80) : entry[0] + " " + (entry[1].length() > 80 ? entry[1].substring(0, 80) : entry[1]))
                        .matches("HTTP/1\\.1 [234]\\d\\d.*");
                String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
                assertThat(head.toLowerCase()).as("no header was injected").doesNotContain("x-injected").doesNotContain("set-cookie: x=y");
            }
        }
        try (Jedis j = redis.admin()) {
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
