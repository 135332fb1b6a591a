package io.github.redisfilters.cache;

/** The {@link CacheResponse} reader, for tests outside this package (it is package-private). */
public final class CacheAnnotations {
    /** The servlet class the annotation is read as being on. */
    public static final Class<?> SERVLET = Products.class;

    private CacheAnnotations() {
    }

    /** Reads {@code a} as the filter's start does; a bad value throws IllegalArgumentException. */
    public static void read(CacheResponse a) {
        ServletAnnotations.rule(SERVLET.getName(), a, false);
    }

    static final class Products {
    }
}
