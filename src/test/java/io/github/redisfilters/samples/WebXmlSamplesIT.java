package io.github.redisfilters.samples;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.SampleProcess;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import redis.clients.jedis.Jedis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;

/**
 * Every ready-to-copy sample in {@code web.xml-samples/} is valid against the Jakarta EE 10
 * {@code web-app_6_0.xsd}, works as copied with {@code REDIS_URL} in the environment (every
 * declared filter starts and talks to that Redis), and together the samples show every option
 * documented in README.md.
 */
class WebXmlSamplesIT {
    static final Path SAMPLES = Path.of("web.xml-samples");

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();

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

    /**
     * Each sample is deployed exactly as written in a Jetty of its own JVM whose environment has
     * {@code REDIS_URL} pointing at the test Redis, database 3: the process environment cannot be
     * changed inside this JVM, and setting the URL as a system property or context-param would
     * not test what a user's deployment does. Every filter must start, name that Redis in its
     * startup line, and send its commands there (the connections show {@code db=3}).
     */
    @ParameterizedTest
    @MethodSource("samples")
    void worksCopiedAsIsWithRedisUrlFromTheEnvironment(Path sample) throws Exception {
        String target = "redis://127.0.0.1:" + REDIS.process().port() + "/3";
        REDIS.process().resetStats();
        try (SampleProcess app = SampleProcess.start(sample, Map.of("REDIS_URL", target), List.of())) {
            exercise(app);
            assertThat(Http.get(app.uri("/__clients")).body().lines())
                    .as("the application's clients").isNotEmpty().allMatch(l -> l.equals(target + " UP"));
            List<String> started = app.log().lines().filter(l -> l.contains(") started: ")).toList();
            assertThat(started).as("one startup line per filter of " + sample).hasSize(filterCount(sample));
            assertThat(started).allMatch(l -> l.endsWith("redis=" + target), "names " + target);
            String clientName = contextParam(sample, "redisClientName").orElse("redis-servlet-filters");
            try (Jedis admin = REDIS.process().admin()) {
                assertThat(admin.clientList().lines().filter(l -> l.contains(" name=" + clientName + " ")))
                        .as("connections of " + sample).isNotEmpty().allMatch(l -> l.contains(" db=3 "));
            }
            assertThat(REDIS.process().totalCommands()).as("commands the filters of " + sample + " sent").isPositive();
        }
    }

    /** Requests every sample's filters act on: API reads, a login, a cart write, a bearer token. */
    static void exercise(SampleProcess app) {
        long now = java.time.Instant.now().getEpochSecond();
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"jti\":\"sample\",\"sub\":\"alice\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".c2ln";
        Http.get(app.uri("/api/products/1"));
        Http.get(app.uri("/api/products/1"));
        Http.post(app.uri("/api/auth/login"), "{}");
        Http.post(app.uri("/api/cart"), "{}");
        Http.get(app.uri("/api/me"), "Authorization", "Bearer " + token);
        Http.get(app.uri("/"), "Authorization", "Bearer " + token);
    }

    @Test
    void noSampleSetsRedisUrlOneShowsHowInAComment() throws Exception {
        List<Path> commented = new ArrayList<>();
        for (Path p : samples().toList()) {
            assertThat(contextParam(p, "redisUrl")).as(p + " must not set redisUrl: REDIS_URL would lose").isEmpty();
            assertThat(initParamNames(p)).as(p + " filters must not set redisUrl").doesNotContain("redisUrl");
            if (Files.readString(p).contains("<param-name>redisUrl</param-name>")) {
                commented.add(p);
            }
        }
        assertThat(commented).as("samples showing redisUrl (commented out)").containsExactly(SAMPLES.resolve("all-filters.xml"));
    }

    private static Document parse(Path sample) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        return dbf.newDocumentBuilder().parse(sample.toFile()); // comments are not elements: commented params do not count
    }

    static int filterCount(Path sample) throws Exception {
        return parse(sample).getElementsByTagNameNS("*", "filter").getLength();
    }

    static java.util.Optional<String> contextParam(Path sample, String name) throws Exception {
        NodeList params = parse(sample).getElementsByTagNameNS("*", "context-param");
        for (int i = 0; i < params.getLength(); i++) {
            Element e = (Element) params.item(i);
            if (text(e, "param-name").equals(name)) {
                return java.util.Optional.of(text(e, "param-value"));
            }
        }
        return java.util.Optional.empty();
    }

    private static List<String> initParamNames(Path sample) throws Exception {
        NodeList params = parse(sample).getElementsByTagNameNS("*", "init-param");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < params.getLength(); i++) {
            out.add(text((Element) params.item(i), "param-name"));
        }
        return out;
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagNameNS("*", tag).item(0).getTextContent().trim();
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
