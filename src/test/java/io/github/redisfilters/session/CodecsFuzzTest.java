package io.github.redisfilters.session;

import static io.github.redisfilters.testing.Fuzz.guarded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the session attribute codecs with hostile bytes (Redis content may be corrupt, old, or
 * written by someone else). Decoding yields a value whose class passes the allow-list, or an
 * {@link Exception} (the filter's {@code unreadableAttribute} policy handles it), never an
 * {@link Error}, and never a side effect such as a started thread or an initialised class.
 */
class CodecsFuzzTest {
    private static final List<String> ALLOWED = List.of("io.github.redisfilters.session.CodecsTest$Cart");
    private static final JdkSerializationCodec JDK = new JdkSerializationCodec(ALLOWED);
    private static final JsonCodec JSON = new JsonCodec(ALLOWED);
    private static final Codecs.AllowList ALLOW_LIST = new Codecs.AllowList(ALLOWED);

    /** Input: a serialised value. */
    @FuzzTest(maxDuration = "2m")
    void jdk(byte[] data) {
        decode(JDK, data);
    }

    /** Input: {@code <class name>\n<json>}. */
    @FuzzTest(maxDuration = "2m")
    void json(byte[] data) {
        decode(JSON, data);
    }

    private static void decode(SessionAttributeCodec codec, byte[] data) {
        Object value = guarded(() -> {
            int threads = Thread.activeCount();
            Object v;
            try {
                v = codec.decode(data);
            } catch (Exception e) {
                v = e;
            }
            assertThat(Thread.activeCount()).as("decoding %s started no thread", new String(data, StandardCharsets.UTF_8)).isLessThanOrEqualTo(threads);
            return v;
        });
        assertThat(gadgetInitialised).as("decoding initialised no class outside the allow-list").isFalse();
        if (!(value instanceof Exception) && value != null) {
            assertThat(ALLOW_LIST.allows(value.getClass().getName())).as(value.getClass().getName()).isTrue();
        }
    }

    /** Input: lines of the session hash as the load script returns it (refresh flag, previous access, field, value...). */
    @FuzzTest(maxDuration = "2m")
    void storedSessions(byte[] data) {
        List<Object> reply = new ArrayList<>();
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", 64);
        for (int i = 0; i < lines.length; i++) {
            reply.add(i == 0 && lines[i].equals("1") ? (Object) 1L : lines[i].getBytes(StandardCharsets.UTF_8));
        }
        SessionRepository.Stored s = guarded(() -> SessionRepository.parseLoad("id", 1_000L, reply));
        if (s != null) {
            assertThat(s.maxInactiveSeconds()).isNotNegative();
            assertThat(s.attributes()).doesNotContainKey(null);
            if (s.corrupt()) {
                assertThat(s.maxInactiveSeconds()).isZero();
            }
        }
    }

    /** Never loaded by name through a codec: its initialisation would be a decoding side effect. */
    public static final class Gadget {
        static {
            gadgetInitialised = true;
        }
    }

    /** Here, not in {@link Gadget}: reading a field of the gadget would initialise it. */
    static volatile boolean gadgetInitialised;

    @Test
    void jsonDoesNotLoadClassesNamedInStringsOutsideTheAllowList() {
        String gadget = Gadget.class.getName();
        for (String doc : List.of("java.lang.Class\n\"" + gadget + "\"",
                "java.util.ArrayList\n[\"java.util.ArrayList\",[[\"java.lang.Class\",\"" + gadget + "\"]]]")) {
            assertThatThrownBy(() -> JSON.decode(doc.getBytes(StandardCharsets.UTF_8))).as(doc).isInstanceOf(Exception.class);
            assertThat(gadgetInitialised).as(doc).isFalse();
        }
    }

    @Test
    void classesStillRoundTripThroughJson() throws Exception {
        assertThat(JSON.decode(JSON.encode(String.class))).isEqualTo(String.class);
    }

    @Test
    void jsonRefusesDeepNestingWithAnExceptionNotAStackOverflow() {
        String deep = "java.util.ArrayList\n" + "[\"java.util.ArrayList\",[".repeat(900) + "]]".repeat(900);
        assertThatThrownBy(() -> JSON.decode(deep.getBytes(StandardCharsets.UTF_8))).isInstanceOf(Exception.class);
    }

    /**
     * Every JDK class the default allow-list lets through, given the simplest JSON bodies: no thread
     * started, nothing but an {@link Exception} thrown.
     */
    @Test
    void everyDefaultAllowedJdkClassDecodesHarmlessly() throws IOException {
        List<String> names = new ArrayList<>();
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        Path base = jrt.getPath("/modules/java.base");
        try (Stream<Path> files = Files.walk(base)) {
            files.map(p -> base.relativize(p).toString()).filter(p -> p.endsWith(".class") && !p.contains("module-info"))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> n.indexOf('$') < 0 && ALLOW_LIST.allows(n)).forEach(names::add);
        }
        assertThat(names).hasSizeGreaterThan(400).contains("java.util.HashMap");
        for (String name : names) {
            for (String body : List.of("{}", "\"x\"", "0", "[]", "[\"" + name + "\",{}]", "true")) {
                decode(JSON, (name + "\n" + body).getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
