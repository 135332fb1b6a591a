package io.github.redisfilters.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Locates a {@code redis-server} binary for tests: the one on PATH (Debian's package, TLS-capable),
 * else the binary shipped inside the test-scoped {@code org.signal:embedded-redis} jar, so that
 * {@code mvn verify} also works where nobody installed Redis (without TLS then).
 */
public final class RedisBinary {
    private static Path cached;

    private RedisBinary() {
    }

    public static synchronized Path path() {
        if (cached == null) {
            cached = find();
        }
        return cached;
    }

    /** True when the binary comes from PATH (and so was built with TLS on Debian). */
    public static boolean fromPath() {
        return onPath() != null;
    }

    private static Path onPath() {
        String env = System.getenv("PATH");
        if (env == null) {
            return null;
        }
        for (String dir : env.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path find() {
        Path p = onPath();
        if (p != null) {
            return p;
        }
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "darwin" : "linux";
        String resource = "/redis-server-7.0.15-" + os + "-" + (arch.contains("aarch64") || arch.contains("arm") ? "arm64" : "amd64");
        try (InputStream in = RedisBinary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on PATH and no " + resource + " in embedded-redis");
            }
            Path dir = Files.createTempDirectory("redis-bin");
            Path bin = dir.resolve("redis-server");
            Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
            bin.toFile().setExecutable(true);
            bin.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
