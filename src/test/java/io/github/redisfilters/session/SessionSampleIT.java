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
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
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

/** {@code web.xml-samples/session.xml} is valid Jakarta EE 10 and its filter boots and works as declared. */
class SessionSampleIT {
    static final Path SAMPLE = Path.of("web.xml-samples/session.xml");

    /** Just enough of W3C's xml.xsd for the Jakarta EE schemas (the original cannot be fetched offline). */
    static final String XML_XSD = """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace">
              <xs:attribute name="lang" type="xs:string"/>
              <xs:attribute name="space"><xs:simpleType><xs:restriction base="xs:NCName">
                <xs:enumeration value="default"/><xs:enumeration value="preserve"/></xs:restriction></xs:simpleType></xs:attribute>
              <xs:attribute name="base" type="xs:anyURI"/>
              <xs:attribute name="id" type="xs:ID"/>
              <xs:attributeGroup name="specialAttrs">
                <xs:attribute ref="xml:base"/><xs:attribute ref="xml:lang"/><xs:attribute ref="xml:space"/><xs:attribute ref="xml:id"/>
              </xs:attributeGroup>
            </xs:schema>""";

    @Test
    void theSampleIsSchemaValid() throws Exception {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setResourceResolver((type, ns, publicId, systemId, base) -> {
            if (systemId == null) {
                return null;
            }
            String name = systemId.substring(systemId.lastIndexOf('/') + 1);
            InputStream in = name.equals("xml.xsd") ? new ByteArrayInputStream(XML_XSD.getBytes(StandardCharsets.UTF_8))
                    : SessionSampleIT.class.getResourceAsStream("/jakarta/servlet/resources/" + name);
            return in == null ? null : new Input(systemId, in);
        });
        var schema = f.newSchema(new StreamSource(SessionSampleIT.class.getResourceAsStream(
                "/jakarta/servlet/resources/web-app_6_0.xsd"), "web-app_6_0.xsd"));
        schema.newValidator().validate(new StreamSource(SAMPLE.toFile()));
    }

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

    record Input(String systemId, InputStream stream) implements LSInput {
        public Reader getCharacterStream() { return null; }
        public void setCharacterStream(Reader r) { }
        public InputStream getByteStream() { return stream; }
        public void setByteStream(InputStream s) { }
        public String getStringData() { return null; }
        public void setStringData(String s) { }
        public String getSystemId() { return systemId; }
        public void setSystemId(String s) { }
        public String getPublicId() { return null; }
        public void setPublicId(String s) { }
        public String getBaseURI() { return null; }
        public void setBaseURI(String s) { }
        public String getEncoding() { return null; }
        public void setEncoding(String s) { }
        public boolean getCertifiedText() { return false; }
        public void setCertifiedText(boolean b) { }
    }
}
