package io.github.redisfilters.session;

import static io.github.redisfilters.session.RedisSessionFilterIT.cookie;
import static io.github.redisfilters.session.RedisSessionFilterIT.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.SampleFilter;
import io.github.redisfilters.testing.ServletContainer;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code web.xml-samples/session.xml} is valid Jakarta EE 10 and its filter boots and works as declared. */
class SessionSampleIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static final Path SAMPLE = Path.of("web.xml-samples/session.xml");

    @Test
    void theSampleFilterBootsWithEveryDeclaredParameterAndServesSessions() throws Exception {
        SampleFilter sample = SampleFilter.first(SAMPLE);
        assertThat(sample.className()).isEqualTo(RedisSessionFilter.class.getName());
        assertThat(RedisSessionConfig.parameterNames()).containsAll(sample.params().keySet());
        try (ServletContainer app = ContainerKind.TOMCAT.start(ctx -> {
                 ctx.setInitParameter("redisUrl", REDIS.process().url());
                 sample.register(ctx);
                 ctx.addServlet("ops", new SessionTestApp.Ops()).addMapping("/s/*");
             })) {
            String id = sessionId(Http.get(app.uri("/s/set?name=a&value=1")));
            assertThat(Http.get(app.uri("/s/get?name=a"), cookie(id)).body()).isEqualTo("1");
        }
    }
}
