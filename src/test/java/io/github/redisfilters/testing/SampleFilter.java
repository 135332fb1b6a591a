package io.github.redisfilters.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The first {@code <filter>} of a {@code web.xml-samples/} file (name, class, init-params) and the
 * URL pattern of its first mapping, so a test can register it exactly as the sample declares it.
 */
public record SampleFilter(String name, String className, Map<String, String> params, String urlPattern) {

    public static SampleFilter first(Path sample) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        Document doc = dbf.newDocumentBuilder().parse(sample.toFile());
        Element filter = (Element) doc.getElementsByTagNameNS("*", "filter").item(0);
        Map<String, String> params = new LinkedHashMap<>();
        NodeList ps = filter.getElementsByTagNameNS("*", "init-param");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            params.put(text(p, "param-name"), text(p, "param-value"));
        }
        String pattern = text((Element) doc.getElementsByTagNameNS("*", "filter-mapping").item(0), "url-pattern");
        return new SampleFilter(text(filter, "filter-name"), text(filter, "filter-class"), Map.copyOf(params), pattern);
    }

    /** Registers the filter with its init-params and mapping. */
    public FilterRegistration.Dynamic register(ServletContext ctx) {
        FilterRegistration.Dynamic f = ctx.addFilter(name, className);
        params.forEach(f::setInitParameter);
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, urlPattern);
        return f;
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagNameNS("*", tag).item(0).getTextContent().trim();
    }
}
