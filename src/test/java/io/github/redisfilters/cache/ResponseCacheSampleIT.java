package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** web.xml-samples/response-cache.xml is schema-valid and its filter boots and caches as documented. */
class ResponseCacheSampleIT {
    static final Path SAMPLE = Path.of("web.xml-samples/response-cache.xml");

    @Test
    void sampleFilterCachesProductsAndPostInvalidatesThem() throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        Document doc = dbf.newDocumentBuilder().parse(SAMPLE.toFile());
        Element filter = (Element) doc.getElementsByTagNameNS("*", "filter").item(0);
        Map<String, String> params = new LinkedHashMap<>();
        NodeList ps = filter.getElementsByTagNameNS("*", "init-param");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            params.put(text(p, "param-name"), text(p, "param-value"));
        }
        String pattern = text((Element) doc.getElementsByTagNameNS("*", "filter-mapping").item(0), "url-pattern");
        try (RedisProcess redis = RedisProcess.start();
             ServletContainer app = ContainerKind.TOMCAT.start(ctx -> {
                 ctx.setInitParameter("redisUrl", redis.url());
                 FilterRegistration.Dynamic f = ctx.addFilter(text(filter, "filter-name"), text(filter, "filter-class"));
                 params.forEach(f::setInitParameter);
                 f.setAsyncSupported(true);
                 f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, pattern);
                 ctx.addServlet("products", new CacheTestApp.OriginServlet()).addMapping("/api/products", "/api/products/*");
             })) {
            CacheTestApp.reset();
            Http.get(app.uri("/api/products?page=1"));
            Http.get(app.uri("/api/products/7"));
            assertThat(Http.get(app.uri("/api/products?page=1")).headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(Http.get(app.uri("/api/products/7")).headers().firstValue("X-Cache")).hasValue("HIT");
            Http.post(app.uri("/api/products"), "{}");
            assertThat(Http.get(app.uri("/api/products?page=1")).headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(Http.get(app.uri("/api/products/7")).headers().firstValue("X-Cache")).hasValue("MISS");
        }
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagNameNS("*", tag).item(0).getTextContent().trim();
    }
}
