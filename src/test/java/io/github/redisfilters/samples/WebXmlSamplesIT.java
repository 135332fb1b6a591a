package io.github.redisfilters.samples;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;

/**
 * Every ready-to-copy sample in {@code web.xml-samples/} is valid against the Jakarta EE 10
 * {@code web-app_6_0.xsd}, boots on embedded Jetty with every declared filter initialised, and
 * together the samples show every option documented in README.md.
 */
class WebXmlSamplesIT {
    static final Path SAMPLES = Path.of("web.xml-samples");

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".xml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void isValidAgainstTheJakartaEe10Schema(Path sample) throws Exception {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.setResourceResolver(new ClasspathSchemas());
        StreamSource xsd = new StreamSource(resource("web-app_6_0.xsd"), "web-app_6_0.xsd");
        Validator validator = factory.newSchema(xsd).newValidator();
        validator.setResourceResolver(new ClasspathSchemas());
        validator.validate(new StreamSource(sample.toFile()));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void bootsOnJettyWithEveryFilterInitialised(Path sample) throws Exception {
        Server server = new Server(0);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/sample");
        webapp.setBaseResourceAsPath(Files.createTempDirectory("sample-webapp"));
        webapp.setDescriptor(sample.toAbsolutePath().toString());
        webapp.setParentLoaderPriority(true);
        webapp.setExtraClasspath(SAMPLES.toAbsolutePath() + "/"); // rate-limits.json/.yaml for classpath: rulesFile
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.addServlet(StubServlet.class, "/stub/*");
        server.setHandler(webapp);
        try {
            server.start();
            assertThat(webapp.isAvailable()).as(sample + " starts").isTrue();
            FilterHolder[] filters = webapp.getServletHandler().getFilters();
            assertThat(filters).as(sample + " declares filters").isNotEmpty();
            for (FilterHolder h : filters) {
                assertThat(h.isStarted()).as(h.getName() + " in " + sample).isTrue();
                assertThat(h.getFilter()).as(h.getName() + " in " + sample + " initialised").isNotNull();
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void everyOptionDocumentedInTheReadmeAppearsInASample() throws Exception {
        Set<String> documented = documentedOptions(Files.readString(Path.of("README.md")));
        assertThat(documented).as("README option tables").isNotEmpty();
        StringBuilder all = new StringBuilder();
        for (Path p : samples().toList()) {
            all.append(Files.readString(p));
        }
        List<String> missing = new ArrayList<>();
        for (String option : documented) {
            if (!all.toString().contains("<param-name>" + option + "</param-name>")) {
                missing.add(option);
            }
        }
        assertThat(missing).as("options documented in README.md but shown in no web.xml sample").isEmpty();
    }

    /** Names in the first column of README tables whose header's first cell is "parameter". */
    static Set<String> documentedOptions(String readme) {
        Set<String> out = new LinkedHashSet<>();
        boolean inOptionTable = false;
        Pattern first = Pattern.compile("^\\|\\s*`([A-Za-z][A-Za-z0-9.]*)`\\s*\\|");
        for (String line : readme.split("\n")) {
            String t = line.trim();
            if (!t.startsWith("|")) {
                inOptionTable = false;
                continue;
            }
            if (t.toLowerCase().matches("^\\|\\s*(parameter|init-param)\\s*\\|.*")) {
                inOptionTable = true;
                continue;
            }
            Matcher m = first.matcher(t);
            if (inOptionTable && m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static InputStream resource(String name) {
        String path = name.equals("xml.xsd") ? "/schema/xml.xsd" : "/jakarta/servlet/resources/" + name;
        InputStream in = WebXmlSamplesIT.class.getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("schema " + name + " not on the classpath");
        }
        return in;
    }

    /** Serves every schema from the classpath: no network. */
    static final class ClasspathSchemas implements LSResourceResolver {
        @Override
        public LSInput resolveResource(String type, String ns, String publicId, String systemId, String baseUri) {
            String file = systemId == null ? "xml.xsd" : systemId.substring(systemId.lastIndexOf('/') + 1);
            InputStream in = resource(file);
            return new SimpleInput(publicId, systemId, baseUri, in);
        }
    }

    public static class StubServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().print("stub");
        }
    }

    record SimpleInput(String publicId, String systemId, String baseURI, InputStream byteStream) implements LSInput {
        public java.io.Reader getCharacterStream() { return null; }
        public void setCharacterStream(java.io.Reader r) { }
        public InputStream getByteStream() { return byteStream; }
        public void setByteStream(InputStream s) { }
        public String getStringData() { return null; }
        public void setStringData(String s) { }
        public String getSystemId() { return systemId; }
        public void setSystemId(String s) { }
        public String getPublicId() { return publicId; }
        public void setPublicId(String s) { }
        public String getBaseURI() { return baseURI; }
        public void setBaseURI(String s) { }
        public String getEncoding() { return null; }
        public void setEncoding(String s) { }
        public boolean getCertifiedText() { return false; }
        public void setCertifiedText(boolean b) { }
    }
}
