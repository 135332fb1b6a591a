package io.github.redisfilters.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.redisfilters.faults.leakapp.Cart;
import io.github.redisfilters.faults.leakapp.SessionServlet;
import io.github.redisfilters.session.RedisSessionFilter;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.RedisProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.core.JreMemoryLeakPreventionListener;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Constants;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The session filter under Tomcat's own memory-leak detection. The webapp is deployed from a
 * directory the way a WAR is — the library and its dependencies in {@code WEB-INF/lib}, the
 * application's servlet and session attribute class in {@code WEB-INF/classes} — so everything is
 * loaded by Tomcat's {@code WebappClassLoader} and the detector can attribute a leak to it.
 * Sessions are created, changed, re-keyed and invalidated, then the context is undeployed; Tomcat
 * must log none of its leak warnings (threads started and not stopped, ThreadLocals not removed)
 * and the host's "find leaks" ({@link StandardHost#findReloadedContextMemoryLeaks()}, what the
 * manager application runs) must find the undeployed context's class loader collected.
 *
 * <p>A control deploys the same webapp with a servlet that leaks a thread, and shows that both
 * detectors report it: the main test can fail.
 */
class SessionLeakIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(SessionLeakIT.class);
    /** Tomcat's leak detector logs here (the test logging config raises it to SEVERE: lowered while a test runs). */
    private static final Logger LOADER_LOG = Logger.getLogger("org.apache.catalina.loader");

    @Test
    void sessionsUnderTomcatsWebappClassLoaderLeaveNoLeakOnUndeploy() throws Exception {
        RedisProcess redis = REDIS.process();
        try (Deployment d = Deployment.start(redis, false)) {
            for (int user = 0; user < 5; user++) {
                String cookie = cookie(Http.post(d.uri("/s/add?item=a" + user), ""));
                assertThat(Http.post(d.uri("/s/add?item=b"), "", "Cookie", cookie).body()).isEqualTo("cart[a" + user + ", b] visits=2");
                assertThat(Http.get(d.uri("/s"), "Cookie", cookie).body()).isEqualTo("cart[a" + user + ", b] visits=2");
                HttpResponse<String> login = Http.post(d.uri("/s/login"), "", "Cookie", cookie);
                assertThat(login.body()).isEqualTo("changed");
                String renewed = cookie(login);
                assertThat(Http.get(d.uri("/s"), "Cookie", renewed).body()).isEqualTo("cart[a" + user + ", b] visits=2");
                if (user % 2 == 0) {
                    assertThat(Http.post(d.uri("/s/logout"), "", "Cookie", renewed).body()).isEqualTo("invalidated");
                }
            }
            try (Jedis j = redis.admin()) {
                assertThat(j.keys("leak:session:*")).as("three of five sessions were invalidated").hasSize(2);
            }
            assertThat(d.loaderOf(RedisSessionFilter.class)).as("the library was loaded by the webapp class loader")
                    .contains("WebappClassLoader");
            assertThat(d.loaderOf(Jedis.class)).as("and so was Jedis").contains("WebappClassLoader");

            List<String> warnings = d.undeploy();
            LOG.info("Tomcat's leak warnings on undeploying the session webapp: {}", warnings);
            assertThat(warnings).isEmpty();
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> d.host.findReloadedContextMemoryLeaks().length == 0 && d.loader.get() == null);
            LOG.info("Tomcat's find-leaks found nothing and the webapp class loader was collected {} ms after undeploy",
                    (System.nanoTime() - start) / 1_000_000L);
        }
    }

    @Test
    void controlADeliberatelyLeakedThreadIsReportedByBothDetectors() throws Exception {
        RedisProcess redis = REDIS.process();
        try (Deployment d = Deployment.start(redis, true)) {
            assertThat(Http.post(d.uri("/s/add?item=x"), "").statusCode()).isEqualTo(200);
            List<String> warnings = d.undeploy();
            try {
                assertThat(warnings).anySatisfy(w -> assertThat(w)
                        .contains("appears to have started a thread named [leakapp-deliberately-leaked-thread]"));
                for (int i = 0; i < 3; i++) {
                    System.gc();
                }
                assertThat(d.host.findReloadedContextMemoryLeaks()).containsExactly("/leak");
                assertThat(d.loader.get()).isNotNull();
                LOG.info("control: the leaked thread was reported ({} warning(s)) and find-leaks named /leak", warnings.size());
            } finally {
                Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("leakapp-deliberately-leaked-thread"))
                        .forEach(Thread::interrupt);
            }
        }
    }

    private static String cookie(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    /** An embedded Tomcat with the webapp deployed from an exploded directory. */
    private static final class Deployment implements AutoCloseable {
        final Tomcat tomcat;
        final StandardHost host;
        final Path base;
        Context context;
        WeakReference<ClassLoader> loader;
        private final List<String> captured = new CopyOnWriteArrayList<>();
        private final Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    captured.add(r.getLevel() + " " + r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        private Level previousLevel;

        private Deployment(Tomcat tomcat, Path base) {
            this.tomcat = tomcat;
            this.host = (StandardHost) tomcat.getHost();
            this.base = base;
        }

        static Deployment start(RedisProcess redis, boolean leakThread) throws Exception {
            Path base = Files.createTempDirectory("tomcat-leak");
            Path app = buildWebapp(base.resolve("leak"), redis.url(), leakThread);
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(base.toString());
            tomcat.setHostname("127.0.0.1");
            tomcat.setPort(0);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            // what a standard Tomcat's server.xml has: JVM singletons created outside any webapp
            tomcat.getServer().addLifecycleListener(new JreMemoryLeakPreventionListener());
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Deployment d = new Deployment(tomcat, base);
            d.startCapture();
            ContextConfig config = new ContextConfig();
            config.setDefaultWebXml(Constants.NoDefaultWebXml);
            Context ctx = tomcat.addWebapp(tomcat.getHost(), "/leak", app.toString(), config);
            StandardJarScanner scanner = new StandardJarScanner();
            scanner.setScanClassPath(false); // only WEB-INF/lib, not the test class path
            ctx.setJarScanner(scanner);
            d.context = ctx;
            tomcat.start();
            assertThat(ctx.getState().isAvailable()).as("webapp started").isTrue();
            d.loader = new WeakReference<>(ctx.getLoader().getClassLoader());
            return d;
        }

        URI uri(String path) throws URISyntaxException {
            return new URI("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/leak" + path);
        }

        /** The type of the class loader that loads {@code c}'s name inside the webapp. */
        String loaderOf(Class<?> c) throws ClassNotFoundException {
            return loader.get().loadClass(c.getName()).getClassLoader().getClass().getName();
        }

        /** Stops and removes the context; returns Tomcat's WARNING/SEVERE loader messages logged meanwhile. */
        List<String> undeploy() {
            captured.clear();
            host.removeChild(context);
            context = null;
            return new ArrayList<>(captured);
        }

        private void startCapture() {
            previousLevel = LOADER_LOG.getLevel();
            LOADER_LOG.setLevel(Level.WARNING);
            LOADER_LOG.addHandler(handler);
        }

        @Override
        public void close() throws Exception {
            LOADER_LOG.removeHandler(handler);
            LOADER_LOG.setLevel(previousLevel);
            tomcat.stop();
            tomcat.destroy();
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * WEB-INF/web.xml, WEB-INF/lib (the library as a jar, and each runtime dependency's jar), and
     * WEB-INF/classes (the application's servlet and attribute class).
     */
    private static Path buildWebapp(Path app, String redisUrl, boolean leakThread) throws IOException, URISyntaxException {
        Path lib = Files.createDirectories(app.resolve("WEB-INF/lib"));
        Path library = location(RedisSessionFilter.class);
        if (Files.isDirectory(library)) {
            jar(library, lib.resolve("redis-servlet-filters.jar"));
        } else {
            Files.copy(library, lib.resolve("redis-servlet-filters.jar"));
        }
        // the library's runtime dependencies, as a WAR built by Maven would carry them
        for (String anchor : List.of("redis.clients.jedis.Jedis", "org.apache.commons.pool2.ObjectPool", "org.json.JSONObject",
                "com.google.gson.Gson", "redis.clients.authentication.core.TokenListener",
                "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core.JsonFactory",
                "com.fasterxml.jackson.annotation.JsonProperty", "io.github.bucket4j.Bucket",
                "io.github.bucket4j.redis.jedis.Bucket4jJedis", "io.github.bucket4j.redis.AbstractRedisProxyManagerBuilder",
                "org.slf4j.LoggerFactory", "org.slf4j.simple.SimpleLogger")) {
            Path jar = location(classNamed(anchor));
            assertThat(jar.toString()).as("dependency of %s is a jar", anchor).endsWith(".jar");
            Path to = lib.resolve(jar.getFileName());
            if (!Files.exists(to)) {
                Files.copy(jar, to);
            }
        }
        Path testClasses = location(SessionServlet.class);
        for (Class<?> c : List.of(SessionServlet.class, Cart.class)) {
            String file = c.getName().replace('.', '/') + ".class";
            Path to = app.resolve("WEB-INF/classes").resolve(file);
            Files.createDirectories(to.getParent());
            Files.copy(testClasses.resolve(file), to);
        }
        Files.writeString(app.resolve("WEB-INF/web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true">
                  <context-param><param-name>redisUrl</param-name><param-value>%s</param-value></context-param>
                  <context-param><param-name>keyPrefix</param-name><param-value>leak:</param-value></context-param>
                  <filter>
                    <filter-name>session</filter-name>
                    <filter-class>io.github.redisfilters.session.RedisSessionFilter</filter-class>
                    <init-param><param-name>allowedClasses</param-name><param-value>io.github.redisfilters.faults.leakapp.</param-value></init-param>
                  </filter>
                  <filter-mapping><filter-name>session</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                  <servlet>
                    <servlet-name>sessions</servlet-name>
                    <servlet-class>io.github.redisfilters.faults.leakapp.SessionServlet</servlet-class>
                    <init-param><param-name>leakThread</param-name><param-value>%s</param-value></init-param>
                    <load-on-startup>1</load-on-startup>
                  </servlet>
                  <servlet-mapping><servlet-name>sessions</servlet-name><url-pattern>/s/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(redisUrl, leakThread));
        return app;
    }

    private static Class<?> classNamed(String name) {
        try {
            return Class.forName(name, false, SessionLeakIT.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("runtime dependency missing from the test class path: " + name, e);
        }
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, j);
                j.closeEntry();
            }
        }
    }
}
