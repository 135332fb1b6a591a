package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ManagedRedis;
import io.github.redisfilters.testing.TcpForwarder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A managed failover as the application really sees it: the host name in {@code redisUrl} moves
 * from the old primary's address to the new one's. Each node sits behind its own loopback address
 * (127.0.0.2 and 127.0.0.3, same port); the client runs in a child JVM that resolves names from a
 * hosts file this test rewrites, with the DNS cache TTL the README recommends set to 0 here.
 * After the flip the pooled connections (to the old address) answer {@code READONLY}; the client
 * must look the name up again for its new connections, and the write must land once on the
 * promoted node.
 */
class DnsFailoverIT {
    private static final String NAME = "redis.failover.test";

    @Test
    void newConnectionsLookTheNameUpAgainAndReachThePromotedNode() throws Exception {
        try (ManagedRedis redis = ManagedRedis.start()) {
            TcpForwarder[] addresses = bindSamePort(redis.primary().port(), redis.replica().port());
            Path hosts = Files.createTempFile("hosts-", ".txt");
            Path log = Files.createTempFile("dns-flip-client-", ".log");
            try (TcpForwarder oldAddress = addresses[0]; TcpForwarder newAddress = addresses[1]) {
                pointNameAt(hosts, "127.0.0.2");
                Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djdk.net.hosts.file=" + hosts, "-Dsun.net.inetaddr.ttl=0", "-Xmx128m", "-XX:TieredStopAtLevel=1",
                        "-cp", System.getProperty("java.class.path"), DnsFlipClient.class.getName(),
                        "redis://" + NAME + ":" + oldAddress.port())
                        .redirectError(log.toFile()).start();
                try (Writer toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
                     BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(),
                             StandardCharsets.UTF_8))) {
                    assertThat(ask(toChild, fromChild)).as(Files.readString(log)).isEqualTo("OK 1");
                    redis.awaitInSync();
                    redis.promoteReplica();
                    pointNameAt(hosts, "127.0.0.3"); // the DNS flip; the old address still reaches the demoted node
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    String answer = ask(toChild, fromChild);
                    while (!answer.startsWith("OK") && System.nanoTime() - deadline < 0) {
                        Thread.sleep(50);
                        answer = ask(toChild, fromChild);
                    }
                    assertThat(answer).as("first accepted write after the flip:\n%s", Files.readString(log)).isEqualTo("OK 2");
                    assertThat(newAddress.accepted()).as("connections through the new address").isPositive();
                    try (Jedis promoted = redis.primary().admin()) {
                        assertThat(promoted.get("n")).as("the write landed once, on the promoted node").isEqualTo("2");
                    }
                } finally {
                    child.destroy();
                    child.waitFor(10, TimeUnit.SECONDS);
                }
                String childLog = Files.readString(log);
                assertThat(childLog.lines().filter(l -> l.contains(" WARN io.github.redisfilters.client.")).count())
                        .as(childLog).isEqualTo(1);
                assertThat(childLog).contains("answered READONLY")
                        .contains("look up " + NAME + " again (this JVM caches DNS answers for 0 s");
            } finally {
                Files.deleteIfExists(hosts);
            }
        }
    }

    /** Two forwarders on one port: 127.0.0.2 to the primary, 127.0.0.3 to the replica (to be promoted). */
    private static TcpForwarder[] bindSamePort(int primaryPort, int replicaPort) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            int port = io.github.redisfilters.testing.RedisProcess.freePort();
            TcpForwarder a = null;
            try {
                a = TcpForwarder.start(InetAddress.getByName("127.0.0.2"), port, primaryPort);
                return new TcpForwarder[] {a, TcpForwarder.start(InetAddress.getByName("127.0.0.3"), port, replicaPort)};
            } catch (IOException e) {
                if (a != null) {
                    a.close();
                }
                last = e;
            }
        }
        throw last;
    }

    private static void pointNameAt(Path hosts, String address) throws IOException {
        Path tmp = Files.createTempFile(hosts.getParent(), "hosts-", ".new");
        Files.write(tmp, List.of("127.0.0.1 localhost", address + " " + NAME), StandardCharsets.UTF_8);
        Files.move(tmp, hosts, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String ask(Writer toChild, BufferedReader fromChild) throws Exception {
        toChild.write("incr n\n");
        toChild.flush();
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return fromChild.readLine();
            } catch (IOException e) {
                return "ERR " + e;
            }
        }).get(30, TimeUnit.SECONDS);
        return line == null ? "ERR child exited" : line;
    }
}
