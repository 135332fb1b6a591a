package io.github.redisfilters.session;

import static io.github.redisfilters.session.RedisSessionFilterIT.cookie;
import static io.github.redisfilters.session.RedisSessionFilterIT.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code web.xml-samples/session.xml} is valid Jakarta EE 10 and its filter boots and works as declared. */
class SessionSampleIT {
    static final Path SAMPLE = Path.of("web.xml-samples/session.xml");

    /** Just enough of W3C's xml.xsd for the Jakarta EE schemas (the original cannot be fetched offline). */
    @Test
    void theSampleFilterBootsWithEveryDeclaredParameterAndServesSessions() throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        Document doc = dbf.newDocumentBuilder().parse(SAMPLE.toFile());
        Element filter = (Element) doc.getElementsByTagNameNS("*", "filter").item(0);
        String filterClass = filter.getElementsByTagNameNS("*", "filter-class").item(0).getTextContent().trim();
        Map<String, String> params = new LinkedHashMap<>();
        NodeList ips = filter.getElementsByTagNameNS("*", "init-param");
        for (int i = 0; i < ips.getLength(); i++) {
            Element p = (Element) ips.item(i);
            params.put(p.getElementsByTagNameNS("*", "param-name").item(0).getTextContent().trim(),
                    p.getElementsByTagNameNS("*", "param-value").item(0).getTextContent().trim());
        }
        assertThat(filterClass).isEqualTo(RedisSessionFilter.class.getName());
        assertThat(RedisSessionConfig.parameterNames()).containsAll(params.keySet());
        try (RedisProcess redis = RedisProcess.start();
             ServletContainer app = ContainerKind.TOMCAT.start(ctx -> {
                 ctx.setInitParameter("redisUrl", redis.url());
                 FilterRegistration.Dynamic f = ctx.addFilter("session", filterClass);
                 params.forEach(f::setInitParameter);
                 f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
                 ctx.addServlet("ops", new SessionTestApp.Ops()).addMapping("/s/*");
             })) {
            String id = sessionId(Http.get(app.uri("/s/set?name=a&value=1")));
            assertThat(Http.get(app.uri("/s/get?name=a"), cookie(id)).body()).isEqualTo("1");
        }
    }
}
