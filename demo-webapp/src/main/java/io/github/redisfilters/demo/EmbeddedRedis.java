package io.github.redisfilters.demo;

import io.github.redisfilters.client.SharedRedisClient;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * A throw-away Redis for {@code mvn jetty:run} on a machine without one. The embedded-redis jar
 * (11 MB of Redis binaries) is a {@code provided} dependency that only the jetty plugin puts on
 * the classpath, so the deployable WAR does not carry it: check {@link #available} before touching
 * this class.
 */
final class EmbeddedRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final String SERVER_CLASS = "redis.embedded.RedisServer";

    private final RedisServer server;
    private final RedisClient client;
    private final ServletContext context;

    private EmbeddedRedis(ServletContext context, RedisServer server, RedisClient client) {
        this.context = context;
        this.server = server;
        this.client = client;
    }

    /** True when embedded-redis is on the class path (under jetty:run, not in the WAR). */
    static boolean available(ClassLoader loader) {
        try {
            Class.forName(SERVER_CLASS, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Starts Redis on a free loopback port and hands its client to the filters. */
    static EmbeddedRedis start(ServletContext ctx) {
        int port = freePort();
        RedisServer server = RedisServer.builder().bind("127.0.0.1").port(port)
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        RedisClient client = RedisClient.create("127.0.0.1", port);
        ctx.setAttribute(SharedRedisClient.CLIENT_ATTRIBUTE, client);
        LOG.info("REDIS_URL is not set: the demo started an embedded Redis on 127.0.0.1:{} (data is lost on stop)", port);
        return new EmbeddedRedis(ctx, server, client);
    }

    @Override
    public void close() {
        context.removeAttribute(SharedRedisClient.CLIENT_ATTRIBUTE);
        try {
            client.close();
        } finally {
            server.stop();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
