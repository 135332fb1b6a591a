package io.github.redisfilters.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A TLS-only Redis (plaintext port closed) with an ACL user, and a PKCS12 trust store and client
 * key store for Java. Needs Debian's TLS-capable {@code redis-server} and {@code openssl};
 * {@code .ci/run} installs both.
 */
public final class TlsRedis implements AutoCloseable {
    public static final String USER = "filters";
    public static final String PASSWORD = "s3cret-Acl-pass";
    public static final String STORE_PASSWORD = "changeit";

    private final RedisProcess process;
    private final int tlsPort;
    private final Path certs;

    private TlsRedis(RedisProcess process, int tlsPort, Path certs) {
        this.process = process;
        this.tlsPort = tlsPort;
        this.certs = certs;
    }

    /** True when this machine can run the TLS server (Debian redis-server and openssl on PATH). */
    public static boolean available() {
        return RedisBinary.fromPath() && Files.isExecutable(Path.of("/usr/bin/openssl"));
    }

    /**
     * Starts the server.
     *
     * @param requireClientCert true for mutual TLS
     */
    public static TlsRedis start(boolean requireClientCert) {
        try {
            Path certs = Files.createTempDirectory("redis-tls");
            run(certs, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca",
                    "-keyout", "ca.key", "-out", "ca.crt");
            Files.writeString(certs.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            issue(certs, "server", "/CN=localhost");
            issue(certs, "client", "/CN=client");
            run(certs, "keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore",
                    "trust.p12", "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
            run(certs, "openssl", "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out",
                    "client.p12", "-passout", "pass:" + STORE_PASSWORD, "-name", "client");
            int tlsPort = RedisProcess.freePort();
            Path acl = certs.resolve("users.acl");
            Files.writeString(acl, "user default off\nuser " + USER + " on >" + PASSWORD + " ~* &* +@all\n");
            RedisProcess p = RedisProcess.prepare(RedisProcess.freePort(), List.of(
                    "--tls-port", String.valueOf(tlsPort),
                    "--tls-cert-file", certs.resolve("server.crt").toString(),
                    "--tls-key-file", certs.resolve("server.key").toString(),
                    "--tls-ca-cert-file", certs.resolve("ca.crt").toString(),
                    "--tls-auth-clients", requireClientCert ? "yes" : "no",
                    "--aclfile", acl.toString()), false)
                    .adminAuth(USER, PASSWORD);
            // readiness is checked on the plaintext port, which answers NOAUTH; then it is closed
            p.launch();
            try (var j = p.admin()) {
                j.configSet("port", "0");
            }
            return new TlsRedis(p, tlsPort, certs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void issue(Path dir, String name, String subject) throws IOException {
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", name + ".key",
                "-out", name + ".csr");
        run(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", name + ".crt");
    }

    private static void run(Path dir, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** {@code rediss://user:password@localhost:port}. */
    public String url() {
        return "rediss://" + USER + ":" + PASSWORD + "@localhost:" + tlsPort;
    }

    public String trustStore() {
        return certs.resolve("trust.p12").toString();
    }

    public String clientKeyStore() {
        return certs.resolve("client.p12").toString();
    }

    @Override
    public void close() {
        process.kill();
    }
}
