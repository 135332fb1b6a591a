package io.github.redisfilters.faults;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The shared client in a JVM of its own, for {@link DnsFailoverIT}: that JVM resolves names from
 * a hosts file the test rewrites ({@code -Djdk.net.hosts.file}), which can only be set at start.
 * Reads {@code incr <key>} lines from standard input and answers {@code OK <value>} or
 * {@code ERR <message>} on standard output; ends at end of input.
 */
public final class DnsFlipClient {
    private DnsFlipClient() {
    }

    public static void main(String[] args) throws Exception {
        SharedRedisClient client = SharedRedisClient.create(RedisSettings.builder().url(args[0])
                .connectTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(2))
                .retryInterval(Duration.ofMillis(100)).build());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String key = line.substring("incr ".length()).trim();
                String answer;
                try {
                    answer = "OK " + client.<Long>call(j -> j.incr(key));
                } catch (RedisUnavailableException e) {
                    answer = "ERR " + e.getMessage().replace('\n', ' ');
                }
                System.out.println(answer);
                System.out.flush();
            }
        } finally {
            client.close();
        }
    }
}
