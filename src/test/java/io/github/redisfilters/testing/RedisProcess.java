package io.github.redisfilters.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A real {@code redis-server} process on a free loopback port, for tests. Always stopped:
 * {@link #close()} in tests, and a JVM shutdown hook for anything left over.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Set<RedisProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(RedisProcess::kill)));
    }

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final boolean sentinel;
    private volatile Process process;
    private String password;
    private String user;
    private int pingPort;

    private RedisProcess(int port, List<String> extraArgs, boolean sentinel) {
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.sentinel = sentinel;
        this.pingPort = port;
        try {
            this.dir = Files.createTempDirectory("redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a standalone Redis with extra {@code --name value} arguments. */
    public static RedisProcess start(String... extraArgs) {
        RedisProcess p = new RedisProcess(freePort(), List.of(extraArgs), false);
        p.launch();
        return p;
    }

    /** A process that has not been started yet (for setting credentials before starting). */
    public static RedisProcess prepare(int port, List<String> extraArgs, boolean sentinel) {
        return new RedisProcess(port, extraArgs, sentinel);
    }

    /** Credentials used by this harness's own admin connection (ACL servers). */
    public RedisProcess adminAuth(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /** Which TCP port answers PING for readiness (the TLS-only server uses another). */
    public RedisProcess pingPort(int port) {
        this.pingPort = port;
        return this;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** (Re)starts the server on the same port. */
    public synchronized RedisProcess launch() {
        if (process != null && process.isAlive()) {
            return this;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(RedisBinary.path().toString());
        if (sentinel) {
            cmd.add(dir.resolve("sentinel.conf").toString());
            cmd.add("--sentinel");
        }
        cmd.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--daemonize", "no", "--protected-mode", "no", "--loglevel", "notice"));
        if (!sentinel) {
            cmd.addAll(List.of("--save", "", "--appendonly", "no", "--enable-debug-command", "yes"));
        }
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RUNNING.add(this);
        awaitReady();
        return this;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + log());
            }
            try (Socket s = new Socket("127.0.0.1", pingPort)) {
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[64];
                int n = in.read(buf);
                String reply = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
                if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH") || reply.startsWith("-NOPERM")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            sleep(20);
        }
        throw new IllegalStateException("redis-server on port " + port + " did not start: " + log());
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    public int port() {
        return port;
    }

    public HostAndPort hostAndPort() {
        return new HostAndPort("127.0.0.1", port);
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** A direct admin connection (close it). */
    public Jedis admin() {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().timeoutMillis(5000);
        if (password != null) {
            b.user(user).password(password);
        }
        return new Jedis(hostAndPort(), b.build());
    }

    /** {@code SHUTDOWN NOSAVE}-like stop (SIGTERM) and wait. */
    public synchronized void stop() {
        Process p = process;
        if (p != null) {
            p.destroy();
            waitFor(p);
        }
        RUNNING.remove(this);
    }

    /** SIGKILL, as a crash. */
    public synchronized void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            waitFor(p);
        }
        RUNNING.remove(this);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Calls per command since the last {@link #resetStats()}, from {@code INFO commandstats}. */
    public Map<String, Long> commandStats() {
        Map<String, Long> out = new HashMap<>();
        try (Jedis j = admin()) {
            for (String line : j.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring(8, line.indexOf(':'));
                    int c = line.indexOf("calls=");
                    int comma = line.indexOf(',', c);
                    out.put(name, Long.parseLong(line.substring(c + 6, comma)));
                }
            }
        }
        return out;
    }

    /** Total command calls except those named in {@code ignore} (e.g. {@code info}, {@code config|resetstat}). */
    public long totalCommands(String... ignore) {
        Map<String, Long> stats = commandStats();
        for (String i : ignore) {
            stats.remove(i);
        }
        stats.remove("info");
        stats.remove("config|resetstat");
        stats.remove("hello");
        stats.remove("client|setname");
        stats.remove("client|setinfo");
        stats.remove("auth");
        stats.remove("select");
        stats.remove("ping");
        return stats.values().stream().mapToLong(Long::longValue).sum();
    }

    public void resetStats() {
        try (Jedis j = admin()) {
            j.configResetStat();
        }
    }

    /** Redis' clock ({@code TIME}) in milliseconds: read before and after a write to bracket when it set an expiry. */
    public long timeMillis() {
        try (Jedis j = admin()) {
            List<String> t = j.time();
            return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
        }
    }

    /**
     * When {@code key} expires, in Redis' clock ({@code PEXPIRETIME}; -1 no expiry, -2 no key). Unlike
     * a PTTL it does not shrink while a test runs: minus the TTL a write meant to set, it must fall
     * between {@link #timeMillis()} read before and after that write.
     */
    public long expiryMillis(String key) {
        try (Jedis j = admin()) {
            return j.pexpireTime(key);
        }
    }

    public void flushAll() {
        try (Jedis j = admin()) {
            j.flushAll();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
