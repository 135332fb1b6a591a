package io.github.redisfilters.jwt;

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

/** The sample web.xml is schema-valid (Jakarta EE 10, web-app 6.0) and its filter boots and works. */
class JwtBlacklistSampleIT {
    static final Path SAMPLE = Path.of("web.xml-samples/jwt-blacklist.xml");

    @Test
    void sampleFilterBootsWithItsInitParamsAndRevokes() throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        Document doc = dbf.newDocumentBuilder().parse(SAMPLE.toFile());
        Element filter = (Element) doc.getElementsByTagNameNS("*", "filter").item(0);
        String name = text(filter, "filter-name");
        String cls = text(filter, "filter-class");
        Map<String, String> params = new LinkedHashMap<>();
        NodeList ps = filter.getElementsByTagNameNS("*", "init-param");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            params.put(text(p, "param-name"), text(p, "param-value"));
        }
        String pattern = text((Element) doc.getElementsByTagNameNS("*", "filter-mapping").item(0), "url-pattern");
        assertThat(params).containsKeys("required", "maxTokenSize", "clockSkew", "maxTokenLifetime", "failureMode", "retryAfter");

        try (RedisProcess redis = RedisProcess.start();
             ServletContainer app = ContainerKind.JETTY.start(ctx -> {
                 ctx.setInitParameter("redisUrl", redis.url());
                 FilterRegistration.Dynamic f = ctx.addFilter(name, cls);
                 params.forEach(f::setInitParameter);
                 f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, pattern);
                 JwtTestApp.servlets(ctx);
             })) {
            String token = TestTokens.fresh("alice");
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            assertThat(Http.post(app.uri("/api/auth/logout"), "", "Authorization", "Bearer " + token).statusCode()).isEqualTo(204);
            assertThat(Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        }
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagNameNS("*", tag).item(0).getTextContent().trim();
    }
}
