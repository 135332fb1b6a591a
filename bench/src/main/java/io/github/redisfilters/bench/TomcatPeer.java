package io.github.redisfilters.bench;

import jakarta.servlet.Filter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * In-process reference: Tomcat's {@code org.apache.catalina.filters.RateLimitFilter} (one JVM-local
 * counter per client address, no Redis). tomcat-embed-core also carries the Servlet API, so it is
 * loaded from {@code target/tomcat/} in its own class loader whose parent (asked first) supplies
 * the Servlet API Jetty uses.
 */
final class TomcatPeer {
    private TomcatPeer() {
    }

    static Filter rateLimitFilter(Path tomcatDir) throws Exception {
        Path jar;
        try (var s = Files.list(tomcatDir)) {
            jar = s.filter(p -> p.getFileName().toString().startsWith("tomcat-embed-core")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no tomcat-embed-core jar in " + tomcatDir));
        }
        ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, TomcatPeer.class.getClassLoader());
        return (Filter) loader.loadClass("org.apache.catalina.filters.RateLimitFilter").getDeclaredConstructor().newInstance();
    }
}
