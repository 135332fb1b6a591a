package io.github.redisfilters.session;

import static io.github.redisfilters.testing.Fuzz.guarded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    void jdk(byte[] data) throws Exception {
        decode(JDK, data);
        // The fast path reads exactly what object streams read, or leaves the bytes to them.
        Object fast;
        try {
            fast = SerialForms.decode(data);
        } catch (IOException e) {
            assertThatThrownBy(() -> objectStream(data)).as("object streams refuse it too").isInstanceOf(IOException.class);
            return;
        }
        if (fast != null) {
            assertThat(guarded(() -> objectStream(data))).as("what object streams read").isEqualTo(fast);
        }
    }

    private static Object objectStream(byte[] data) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            Object v = in.readObject();
            if (in.read() >= 0) {
                throw new IOException("content after the object");
            }
            return v;
        }
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
        // A class descriptor written at the top level (TC_CLASSDESC) reads back as the descriptor of
        // an allowed class: not a value anyone stored, but harmless (the filter checked its class).
        if (!(value instanceof Exception) && value != null && !(value instanceof java.io.ObjectStreamClass)) {
            assertThat(ALLOW_LIST.allows(value.getClass().getName())).as(value.getClass().getName()).isTrue();
        }
    }

    /** Structured: plain JDK values (nested lists, maps, numbers, strings) come back equal from both codecs. */
    @FuzzTest(maxDuration = "2m")
    void roundTrips(FuzzedDataProvider data) throws Exception {
        Object value = value(data, 0);
        for (SessionAttributeCodec codec : List.of(JDK, JSON)) {
            Object back = codec.decode(codec.encode(value));
            assertThat(Objects.deepEquals(back, value)).as("%s through %s: %s", value, codec.getClass().getSimpleName(), back)
                    .isTrue();
        }
    }

    private static Object value(FuzzedDataProvider data, int depth) {
        switch (data.consumeInt(0, depth >= 3 ? 7 : 10)) {
            case 0: return data.consumeString(20);
            case 1: return data.consumeLong();
            case 2: return data.consumeInt();
            case 3: return data.consumeDouble();
            case 4: return data.consumeBoolean();
            case 5: return new BigDecimal(BigInteger.valueOf(data.consumeLong()), data.consumeInt(-400, 400));
            case 6: return data.consumeFloat();
            case 7: return data.consumeAsciiString(10);
            case 8: {
                List<Object> list = new ArrayList<>();
                for (int n = data.consumeInt(0, 4); n > 0; n--) {
                    list.add(value(data, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new HashMap<>();
                for (int n = data.consumeInt(0, 4); n > 0; n--) {
                    // Jackson refuses an unpaired surrogate in a field name: such a map is unreadable, not mangled
                    map.put(data.consumeAsciiString(10), value(data, depth + 1));
                }
                return map;
            }
        }
    }

    @Test
    void unpairedSurrogatesSurviveTheJsonCodec() throws Exception {
        for (Object v : List.of("a\ud800b", "\udc00", Map.of("k", List.of("x\ud83d")), "ok \ud83d\ude00")) {
            assertThat(JSON.decode(JSON.encode(v))).isEqualTo(v);
        }
        byte[] badKey = JSON.encode(new HashMap<>(Map.of("k\udbff", 1)));
        assertThatThrownBy(() -> JSON.decode(badKey)).as("unreadable (the unreadableAttribute policy applies), not mangled")
                .isInstanceOf(IOException.class);
    }

    /** Input: lines of the session hash as the load script returns it (refresh flag, previous access, field, value...). */
    @FuzzTest(maxDuration = "2m")
    void storedSessions(byte[] data) {
        List<Object> fields = new ArrayList<>();
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", 64);
        for (int i = 2; i < lines.length; i++) {
            fields.add(lines[i].getBytes(StandardCharsets.UTF_8));
        }
        List<Object> reply = List.of(0L, lines[0].equals("1") ? 1L : 0L,
                (lines.length > 1 ? lines[1] : "").getBytes(StandardCharsets.UTF_8), 0L, fields);
        SessionRepository.Loaded loaded = guarded(() -> SessionRepository.parseLoad("id", 1_000L, reply));
        SessionRepository.Stored s = loaded instanceof SessionRepository.Stored st ? st : null;
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
