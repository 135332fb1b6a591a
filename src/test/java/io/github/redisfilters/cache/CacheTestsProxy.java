package io.github.redisfilters.cache;

import io.github.redisfilters.testing.RedisProcess;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A reverse proxy for the HTTP caching test suite (http-tests/cache-tests, the suite behind
 * cache-tests.fyi): Jetty's {@code ProxyServlet} behind {@link ResponseCacheFilter} in standard
 * mode ({@code rules=/** standard}) on a Redis of its own. Not a test: run it beside the suite,
 * which is fetched and run outside this project (see the README's cache section):
 *
 * <pre>
 *   java -cp target/test-classes:target/classes:$(cat cp.txt) io.github.redisfilters.cache.CacheTestsProxy \
 *        http://127.0.0.1:8000 8080
 * </pre>
 */
public final class CacheTestsProxy {
    private CacheTestsProxy() {
    }

    public static void main(String[] args) throws Exception {
        String origin = args.length > 0 ? args[0] : "http://127.0.0.1:8000";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        RedisProcess redis = RedisProcess.start();
        Server server = start(origin, port, redis.url());
        System.out.println("cache-tests proxy on http://127.0.0.1:" + port + " -> " + origin + ", Redis " + redis.url());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                // exiting anyway
            }
            redis.close();
        }));
        server.join();
    }

    static Server start(String origin, int port, String redisUrl) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler("/");
        ctx.setInitParameter("redisUrl", redisUrl);
        ResponseCacheConfig config = ResponseCacheConfig.builder()
                .rules(ResponseCacheConfig.Rule.standard("/**"))
                .coalesceWait(Duration.ofSeconds(2))
                .build();
        FilterHolder cache = new FilterHolder(new ResponseCacheFilter(config));
        cache.setAsyncSupported(true);
        ctx.addFilter(cache, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder proxy = new ServletHolder(new ProxyServlet.Transparent() {
            @Override
            protected HttpClient newHttpClient() {
                HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP();
                // the header cache can hand a later response an earlier response's header spelling
                transport.setHeaderCacheSize(0);
                return new HttpClient(transport);
            }
        });
        proxy.setInitParameter("proxyTo", origin);
        proxy.setAsyncSupported(true);
        ctx.addServlet(proxy, "/*");
        server.setHandler(ctx);
        server.start();
        return server;
    }
}
