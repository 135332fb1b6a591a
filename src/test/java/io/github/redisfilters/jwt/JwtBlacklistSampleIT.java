package io.github.redisfilters.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisProcess;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;

/** The sample web.xml is schema-valid (Jakarta EE 10, web-app 6.0) and its filter boots and works. */
class JwtBlacklistSampleIT {
    static final Path SAMPLE = Path.of("web.xml-samples/jwt-blacklist.xml");

    @Test
    void sampleIsValidAgainstTheWebApp60Schema() throws Exception {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setResourceResolver(new ClasspathSchemas());
        URL main = jakarta.servlet.Servlet.class.getResource("/jakarta/servlet/resources/web-app_6_0.xsd");
        var schema = f.newSchema(new StreamSource(main.openStream(), main.toString()));
        schema.newValidator().validate(new StreamSource(SAMPLE.toFile()));
    }

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

    /** Serves every schema from the servlet-api jar and xml.xsd from test resources. */
    static final class ClasspathSchemas implements LSResourceResolver {
        @Override
        public LSInput resolveResource(String type, String ns, String publicId, String systemId, String baseUri) {
            String file = systemId == null ? null : systemId.substring(systemId.lastIndexOf('/') + 1);
            URL url = "xml.xsd".equals(file) ? JwtBlacklistSampleIT.class.getResource("xml.xsd")
                    : jakarta.servlet.Servlet.class.getResource("/jakarta/servlet/resources/" + file);
            if (url == null) {
                return null;
            }
            return new Input(url, publicId);
        }
    }

    record Input(URL url, String publicId) implements LSInput {
        public Reader getCharacterStream() { return null; }
        public void setCharacterStream(Reader r) { }
        public InputStream getByteStream() {
            try {
                return url.openStream();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        public void setByteStream(InputStream s) { }
        public String getStringData() { return null; }
        public void setStringData(String s) { }
        public String getSystemId() { return url.toString(); }
        public void setSystemId(String s) { }
        public String getPublicId() { return publicId; }
        public void setPublicId(String s) { }
        public String getBaseURI() { return null; }
        public void setBaseURI(String s) { }
        public String getEncoding() { return null; }
        public void setEncoding(String s) { }
        public boolean getCertifiedText() { return false; }
        public void setCertifiedText(boolean b) { }
    }
}
