package io.github.redisfilters.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SampleServer} in a child JVM with an environment of the test's choosing, and its log.
 * The child inherits this JVM's classpath, but none of its {@code REDIS_*} variables.
 */
public final class SampleProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private SampleProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code sample} with these environment variables (added to this JVM's, less its
     * {@code REDIS_*}) and waits until it serves.
     *
     * @param jvmOptions extra JVM options, e.g. {@code -Djavax.net.ssl.trustStore=…}
     */
    public static SampleProcess start(Path sample, Map<String, String> env, List<String> jvmOptions) {
        try {
            Path log = Files.createTempFile("sample-" + sample.getFileName() + "-", ".log");
            List<String> cmd = new java.util.ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.add("-Xmx256m");
            cmd.add("-XX:TieredStopAtLevel=1"); // starts faster; these servers serve a handful of requests
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(SampleServer.class.getName());
            cmd.add(sample.toString());
            cmd.add(sample.toAbsolutePath().getParent().toString());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("REDIS_"));
            pb.environment().putAll(env);
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            try {
                line = CompletableFuture.supplyAsync(() -> {
                    try {
                        for (String l = out.readLine(); l != null; l = out.readLine()) {
                            if (l.startsWith("READY ") || l.startsWith("FAILED ")) {
                                return l;
                            }
                        }
                        return "FAILED exited";
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IllegalStateException(sample + " did not start: " + e + "\n" + Files.readString(log), e);
            }
            if (!line.startsWith("READY ")) {
                p.destroyForcibly();
                throw new IllegalStateException(sample + " did not start (" + line + "):\n" + Files.readString(log));
            }
            return new SampleProcess(p, log, Integer.parseInt(line.substring(6).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:port/sample} + {@code path}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + "/sample" + path);
    }

    /** Everything the application logged so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (closing its standard input) and waits for the JVM to exit. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
