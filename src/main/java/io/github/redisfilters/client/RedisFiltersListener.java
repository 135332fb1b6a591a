package io.github.redisfilters.client;

import io.github.redisfilters.config.ConfigException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Optional listener that creates the shared Redis client when the web application starts
 * (validating the {@code redis*} context-params at deploy time) and closes it when the application
 * stops. Without it, the client is created by the first filter and closed when the last filter is
 * destroyed. Declare it in {@code web.xml} with
 * {@code <listener><listener-class>io.github.redisfilters.client.RedisFiltersListener</listener-class></listener>}.
 */
public class RedisFiltersListener implements ServletContextListener {
    private SharedRedisClient client;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        RedisSettings settings;
        try {
            settings = RedisSettings.forContext(ctx, "listener RedisFiltersListener");
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        client = SharedRedisClient.acquire(ctx, settings);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (client != null) {
            SharedRedisClient.release(event.getServletContext(), client);
            client = null;
        }
    }
}
