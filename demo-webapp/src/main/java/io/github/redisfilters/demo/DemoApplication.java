package io.github.redisfilters.demo;

import io.github.redisfilters.client.SharedRedisClient;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * Starts the demo's services. Demo convenience only (the library never starts Redis): when
 * neither {@code REDIS_URL} nor a {@code redisUrl} context-param is set, it starts an embedded
 * Redis on a free loopback port and hands its client to the filters through
 * {@link SharedRedisClient#CLIENT_ATTRIBUTE}.
 */
public class DemoApplication implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(DemoApplication.class);

    private RedisServer server;
    private RedisClient client;
    private DemoServices services;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        if (!isSet(System.getenv("REDIS_URL")) && !isSet(System.getenv("REDIS_HOST")) && !isSet(ctx.getInitParameter("redisUrl"))) {
            startEmbeddedRedis(ctx);
        }
        services = DemoServices.start(ctx);
    }

    private void startEmbeddedRedis(ServletContext ctx) {
        int port = freePort();
        server = RedisServer.builder().bind("127.0.0.1").port(port)
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        client = RedisClient.create("127.0.0.1", port);
        ctx.setAttribute(SharedRedisClient.CLIENT_ATTRIBUTE, client);
        LOG.info("REDIS_URL is not set: the demo started an embedded Redis on 127.0.0.1:{} (data is lost on stop)", port);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (services != null) {
            services.stop(event.getServletContext());
        }
        if (client != null) {
            event.getServletContext().removeAttribute(SharedRedisClient.CLIENT_ATTRIBUTE);
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private static boolean isSet(String s) {
        return s != null && !s.isBlank();
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
