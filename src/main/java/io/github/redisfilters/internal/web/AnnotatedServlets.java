package io.github.redisfilters.internal.web;

import jakarta.servlet.ServletContext;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * What the filters share when they read their annotations ({@code @RateLimit},
 * {@code @CacheResponse}, {@code @NoCache}) off the application's servlet classes: loading a
 * registered servlet's class, naming an attribute with its value as written, and what is said
 * about a servlet registered after the filter started (then a bad annotation cannot fail the
 * start any more: it is logged once at ERROR and the annotation is not applied).
 */
public final class AnnotatedServlets {
    /** Appended to the ERROR about the annotation of a servlet registered after the filter started. */
    public static final String LATE = "the servlet was registered after the filter started, so this is logged"
            + " instead of failing the start; register servlets before filters start (web.xml, @WebServlet,"
            + " a ServletContainerInitializer or listener)";

    private AnnotatedServlets() {
    }

    /**
     * The class of a registered servlet, not initialised: through the context's class loader, the
     * thread's, then the library's (some embedded contexts have none of their own); null when none
     * loads it (the container reports a servlet it cannot load itself).
     */
    public static Class<?> load(String className, ServletContext context) {
        for (ClassLoader l : new ClassLoader[] {context.getClassLoader(), Thread.currentThread().getContextClassLoader(),
                AnnotatedServlets.class.getClassLoader()}) {
            if (l == null) {
                continue;
            }
            try {
                return Class.forName(className, false, l);
            } catch (ClassNotFoundException | LinkageError ex) {
                // next loader
            }
        }
        return null;
    }

    /**
     * {@code name = value} as the source writes it: texts quoted, arrays in braces, enum constants
     * and numbers bare, e.g. {@code window = "0ms"}, {@code methods = {"GET", "POST"}}.
     */
    public static String attribute(String name, Object value) {
        return name + " = " + written(value);
    }

    private static String written(Object value) {
        if (value instanceof String s) {
            return '"' + s + '"';
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value != null && value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(written(Array.get(value, i)));
            }
            return "{" + String.join(", ", items) + "}";
        }
        return String.valueOf(value);
    }
}
