package io.github.redisfilters.ratelimit;

/** The {@link RateLimit} reader, for tests outside this package (it is package-private). */
public final class RateLimitAnnotations {
    /** The servlet class the annotations are read as being on. */
    public static final Class<?> SERVLET = Orders.class;

    private RateLimitAnnotations() {
    }

    /** Reads {@code limits} as the filter's start does; a bad one throws IllegalArgumentException. */
    public static void read(RateLimit... limits) {
        AnnotationRules.forServlet("orders", SERVLET, limits);
    }

    static final class Orders {
    }
}
