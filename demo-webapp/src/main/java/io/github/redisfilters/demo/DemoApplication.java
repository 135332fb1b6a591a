package io.github.redisfilters.demo;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the demo's services before any filter or servlet. Demo convenience only (the library
 * never starts Redis): when neither {@code REDIS_URL}/{@code REDIS_HOST} nor a {@code redisUrl}
 * context-param is set and embedded-redis is on the class path ({@code mvn jetty:run}), it starts
 * an embedded Redis and hands its client to the filters through
 * {@link io.github.redisfilters.client.SharedRedisClient#CLIENT_ATTRIBUTE}. The deployable WAR
 * carries no embedded Redis: deployed without {@code REDIS_URL}, the filters use the library's
 * default address.
 */
public class DemoApplication implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(DemoApplication.class);

    private EmbeddedRedis embedded;
    private DemoServices services;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        if (!isSet(System.getenv("REDIS_URL")) && !isSet(System.getenv("REDIS_HOST")) && !isSet(ctx.getInitParameter("redisUrl"))) {
            if (EmbeddedRedis.available(ctx.getClassLoader())) {
                embedded = EmbeddedRedis.start(ctx);
            } else {
                LOG.warn("REDIS_URL is not set and this WAR carries no embedded Redis (only `mvn jetty:run` starts one):"
                        + " the filters use the library's default Redis address");
            }
        }
        services = DemoServices.start(ctx);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (services != null) {
            services.stop(event.getServletContext());
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    private static boolean isSet(String s) {
        return s != null && !s.isBlank();
    }
}
