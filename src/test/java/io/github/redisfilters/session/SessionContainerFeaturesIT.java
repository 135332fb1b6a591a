package io.github.redisfilters.session;

import static io.github.redisfilters.session.RedisSessionFilterIT.cookie;
import static io.github.redisfilters.session.RedisSessionFilterIT.sessionId;
import static io.github.redisfilters.session.RedisSessionFilterIT.setCookie;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.internal.metrics.MetricsRegistry;
import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * What a container's own session manager gives an application, on Jetty and on Tomcat: listener
 * events, the id in a header for API clients, the Secure cookie behind a trusted TLS proxy, and
 * the limits that keep hostile or huge session data harmless.
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class SessionContainerFeaturesIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static ServletContainer app;
    static ContainerKind started;

    @Parameter
    ContainerKind kind;

    @BeforeEach
    void start() {
        if (started != kind) {
            stop();
            started = kind;
            app = kind.start(ctx -> {
                ctx.setInitParameter("redisUrl", REDIS.process().url());
                ctx.setInitParameter("trustedProxies", "127.0.0.1");
                ctx.addListener(RecordingListener.class);
                FilterRegistration.Dynamic f = ctx.addFilter("session", new RedisSessionFilter());
                f.setInitParameter("keyPrefix", "ft:");
                f.setInitParameter("sessionIdHeader", "X-Auth-Token");
                f.setInitParameter("maxSessionSize", "4KB");
                f.setInitParameter("principalAttribute", "user");
                f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
                ctx.addServlet("ops", new SessionTestApp.Ops()).addMapping("/s/*");
            });
        }
        events().clear();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
        started = null;
    }

    static List<String> events() {
        return RecordingListener.events(app.servletContext());
    }

    static List<String> eventsSoFar() {
        List<String> e = events();
        synchronized (e) {
            List<String> copy = new ArrayList<>(e);
            e.clear();
            return copy;
        }
    }

    @Test
    void listenersAreCalledAsTheContainerWouldCallThem() {
        String id = sessionId(Http.post(app.uri("/s/set?name=a&value=1"), ""));
        assertThat(eventsSoFar()).containsExactly("created", "added a=1");
        Http.post(app.uri("/s/set?name=a&value=2"), "", cookie(id));
        assertThat(eventsSoFar()).containsExactly("replaced a=1");
        String user = sessionId(Http.post(app.uri("/s/login?name=alice"), "", cookie(id)));
        assertThat(eventsSoFar()).containsExactly("idChanged new", "added user=alice");
        assertThat(Http.post(app.uri("/s/invalidate"), "", cookie(user)).body()).isEqualTo("invalidated");
        assertDestroyed(eventsSoFar(), "alice", "removed a=2", "removed user=alice");

        // "log out everywhere" from another request: the destroyed session's events fire on this server
        String bob = sessionId(Http.post(app.uri("/s/login?name=bob"), "", cookie(sessionId(Http.post(app.uri("/s/set?name=c&value=3"), "")))));
        eventsSoFar();
        assertThat(Http.get(app.uri("/s/logoutAll?name=bob")).body()).isEqualTo("1");
        assertDestroyed(eventsSoFar(), "bob", "removed c=3", "removed user=bob");
        assertThat(Http.get(app.uri("/s/get?name=c"), cookie(bob)).body()).isEqualTo("no-session");
        assertThat(eventsSoFar()).as("an expired or vanished session fires nothing (no keyspace notifications)").isEmpty();
    }

    /** Destroyed first (the session still readable), then every attribute removed, in any order. */
    static void assertDestroyed(List<String> events, String user, String... removed) {
        assertThat(events).hasSize(1 + removed.length);
        assertThat(events.get(0)).isEqualTo("destroyed user=" + user);
        assertThat(events.subList(1, events.size())).containsExactlyInAnyOrder(removed);
    }

    @Test
    void apiClientsMayCarryTheIdInAHeader() {
        HttpResponse<String> created = Http.post(app.uri("/s/set?name=a&value=1"), "");
        String id = created.headers().firstValue("X-Auth-Token").orElseThrow();
        assertThat(id).isEqualTo(sessionId(created)).as("a client that sent neither gets both");
        HttpResponse<String> read = Http.get(app.uri("/s/get?name=a"), "X-Auth-Token", id);
        assertThat(read.body()).isEqualTo("1");
        assertThat(setCookie(read)).as("a header client gets no cookie").isEmpty();
        assertThat(read.headers().firstValue("X-Auth-Token")).as("unchanged id: not repeated").isEmpty();
        HttpResponse<String> login = Http.post(app.uri("/s/login?name=api"), "", "X-Auth-Token", id);
        String fresh = login.headers().firstValue("X-Auth-Token").orElseThrow();
        assertThat(fresh).isNotEqualTo(id);
        assertThat(setCookie(login)).isEmpty();
        HttpResponse<String> out = Http.post(app.uri("/s/invalidate"), "", "X-Auth-Token", fresh);
        assertThat(out.headers().firstValue("X-Auth-Token")).as("the session ended").hasValue("");
        assertThat(Http.get(app.uri("/s/get?name=a"), "X-Auth-Token", "garbage").body()).isEqualTo("no-session");
    }

    @Test
    void theCookieIsSecureWhenTheTrustedProxySaysTheClientUsedHttps() {
        assertThat(setCookie(Http.post(app.uri("/s/set?name=a&value=1"), "")).orElseThrow()).doesNotContain("Secure");
        assertThat(setCookie(Http.post(app.uri("/s/set?name=a&value=1"), "", "X-Forwarded-Proto", "https")).orElseThrow())
                .contains("; Secure");
        assertThat(setCookie(Http.post(app.uri("/s/set?name=a&value=1"), "", "Forwarded", "for=203.0.113.9;proto=https"))
                .orElseThrow()).contains("; Secure");
        assertThat(setCookie(Http.post(app.uri("/s/set?name=a&value=1"), "", "X-Forwarded-Proto", "https, http"))
                .orElseThrow()).as("a forged https the proxy appended http to").doesNotContain("Secure");
    }

    @Test
    void aHostileSerialDosPayloadIsRefusedAndDroppedAndTheRestOfTheSessionServed() throws Exception {
        String id = sessionId(Http.post(app.uri("/s/set?name=good&value=1"), ""));
        byte[] evil = serialDos(24); // 1.4 KB; reading it unguarded costs seconds of CPU
        assertThat(evil.length).isBetween(1300, 1500);
        try (Jedis j = REDIS.process().admin()) {
            j.hset(SessionTestApp.key("ft:", id).getBytes(), "a:evil".getBytes(), evil);
        }
        long failures = counter("codec.failures");
        long start = System.nanoTime();
        HttpResponse<String> r = Http.get(app.uri("/s/get?name=evil"), cookie(id));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("SerialDOS payload of " + evil.length + " bytes answered in " + millis + " ms on " + kind);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("null");
        assertThat(counter("codec.failures") - failures).isEqualTo(1);
        assertThat(Http.get(app.uri("/s/get?name=good"), cookie(id)).body()).isEqualTo("1");
        try (Jedis j = REDIS.process().admin()) {
            assertThat(j.hexists(SessionTestApp.key("ft:", id), "a:evil")).as("dropped by the policy").isFalse();
        }
    }

    @Test
    void aSaveOverMaxSessionSizeWritesNothingAnswers413AndReleasesTheLock() {
        String id = sessionId(Http.post(app.uri("/s/set?name=a&value=kept"), ""));
        Http.post(app.uri("/s/big?name=b&value=2000"), "", cookie(id));
        HttpResponse<String> tooBig = Http.post(app.uri("/s/big?name=c&value=3000"), "", cookie(id));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(Http.get(app.uri("/s/get?name=a"), cookie(id)).body()).isEqualTo("kept");
        assertThat(Http.get(app.uri("/s/get?name=c"), cookie(id)).body()).as("nothing of it written").isEqualTo("null");
        assertThat(Http.get(app.uri("/s/get?name=b"), cookie(id)).body()).hasSize(2000);
        HttpResponse<String> next = Http.post(app.uri("/s/set?name=d&value=1"), "", cookie(id));
        assertThat(next.statusCode()).as("the lock was released with the refusal").isEqualTo(200);
        assertThat(Http.post(app.uri("/s/big?name=new&value=5000"), "").statusCode()).as("a new session too").isEqualTo(413);
    }

    /** Nested HashSets sharing their members: reading costs about 2^levels hash computations. */
    static byte[] serialDos(int levels) throws Exception {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < levels; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(root);
        }
        return bytes.toByteArray();
    }

    long counter(String name) {
        return MetricsRegistry.of(app.servletContext()).all().stream().filter(m -> m.kind().equals("session"))
                .mapToLong(m -> m.get(name)).sum();
    }
}
