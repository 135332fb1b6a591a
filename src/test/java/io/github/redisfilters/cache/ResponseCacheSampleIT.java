package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.SampleFilter;
import io.github.redisfilters.testing.ServletContainer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** web.xml-samples/response-cache.xml is schema-valid and its filter boots and caches as documented. */
class ResponseCacheSampleIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static final Path SAMPLE = Path.of("web.xml-samples/response-cache.xml");

    @Test
    void sampleFilterCachesProductsAndPostInvalidatesThem() throws Exception {
        SampleFilter sample = SampleFilter.first(SAMPLE);
        try (ServletContainer app = ContainerKind.TOMCAT.start(ctx -> {
                 ctx.setInitParameter("redisUrl", REDIS.process().url());
                 sample.register(ctx);
                 ctx.addServlet("products", new CacheTestApp.OriginServlet()).addMapping("/api/products", "/api/products/*");
             })) {
            CacheTestApp.reset();
            Http.get(app.uri("/api/products?page=1"));
            Http.get(app.uri("/api/products/7"));
            assertThat(Http.get(app.uri("/api/products?page=1")).headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(Http.get(app.uri("/api/products/7")).headers().firstValue("X-Cache")).hasValue("HIT");
            Http.post(app.uri("/api/products"), "{}");
            assertThat(Http.get(app.uri("/api/products?page=1")).headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(Http.get(app.uri("/api/products/7")).headers().firstValue("X-Cache")).hasValue("MISS");
        }
    }
}
