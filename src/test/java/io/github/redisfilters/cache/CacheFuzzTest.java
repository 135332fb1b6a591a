package io.github.redisfilters.cache;

import static io.github.redisfilters.testing.Fuzz.fields;
import static io.github.redisfilters.testing.Fuzz.guarded;
import static io.github.redisfilters.testing.Fuzz.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes what the cache reads from outside: stored entries (Redis content may be corrupt or written
 * by another version), request and response header values, and URLs that become Redis keys.
 */
class CacheFuzzTest {

    /** Input: the bytes of a stored entry as Redis returns them. */
    @FuzzTest(maxDuration = "2m")
    void storedEntries(byte[] data) {
        CacheEntry e;
        try {
            e = guarded(() -> EntryCodec.decode(data));
        } catch (IllegalArgumentException ex) {
            return; // a miss, overwritten by the next store
        }
        assertThat(e.status()).isBetween(100, 999);
        assertThat(e.headers().size()).isLessThanOrEqualTo(1000);
        assertThat(e.body().length).isLessThanOrEqualTo(data.length);
        CacheEntry again = EntryCodec.decode(EntryCodec.encode(e));
        assertThat(again).usingRecursiveComparison().isEqualTo(e);
    }

    /** Structured: any entry encodes and decodes to itself, and no strict prefix of it decodes. */
    @FuzzTest(maxDuration = "2m")
    void entryRoundTrips(FuzzedDataProvider data) {
        List<CacheEntry.Header> headers = new ArrayList<>();
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            headers.add(new CacheEntry.Header(data.consumeString(40), data.consumeString(200)));
        }
        CacheEntry e = new CacheEntry(data.consumeInt(100, 999), data.consumeLong(), data.consumeLong(),
                data.consumeLong(), data.consumeLong(), data.consumeLong(), data.consumeBoolean(), List.copyOf(headers),
                data.consumeRemainingAsBytes());
        byte[] bytes = EntryCodec.encode(e);
        assertThat(EntryCodec.decode(bytes)).usingRecursiveComparison().isEqualTo(e);
        for (int cut : new int[] {0, 1, bytes.length / 2, bytes.length - 1}) {
            if (cut < bytes.length) {
                assertThatThrownBy(() -> EntryCodec.decode(Arrays.copyOf(bytes, cut))).as("prefix of %s bytes", cut)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void entriesTheFormatCannotHoldAreRefusedNotMangled() {
        CacheEntry longHeader = new CacheEntry(200, 0, 0, 0, 0, 0, false,
                List.of(new CacheEntry.Header("Link", "x".repeat(70_000))), new byte[0]);
        assertThatThrownBy(() -> EntryCodec.encode(longHeader)).isInstanceOf(IllegalArgumentException.class);
        List<CacheEntry.Header> many = Collections.nCopies(1001, new CacheEntry.Header("X", "y"));
        assertThatThrownBy(() -> EntryCodec.encode(new CacheEntry(200, 0, 0, 0, 0, 0, false, many, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Input: {@code Cache-Control} field values, one a line. */
    @FuzzTest(maxDuration = "2m")
    void cacheControl(byte[] data) {
        List<String> values = Arrays.asList(text(data).split("\n", -1));
        CacheControl cc = guarded(() -> CacheControl.parse(values));
        Map<String, String> seen = new LinkedHashMap<>();
        for (String name : names(cc, values)) {
            String v = cc.value(name);
            seen.put(name, v);
            String t = v.trim();
            long expected;
            try {
                expected = t.matches("[0-9]+") ? Long.parseLong(t) : 0;
            } catch (NumberFormatException e) {
                expected = Integer.MAX_VALUE; // RFC 9111 §1.2.2: too large means "the greatest value"
            }
            assertThat(cc.seconds(name)).as("delta-seconds of %s=%s", name, v).isEqualTo(expected);
        }
        // Rendering what was understood and parsing it again understands the same.
        StringBuilder rendered = new StringBuilder();
        boolean renderable = true;
        for (Map.Entry<String, String> d : seen.entrySet()) {
            String v = d.getValue();
            renderable &= v.indexOf('"') < 0;
            rendered.append(rendered.length() == 0 ? "" : ", ").append(d.getKey());
            if (!v.isEmpty()) {
                rendered.append("=\"").append(v).append('"');
            }
        }
        if (renderable) {
            CacheControl again = CacheControl.parse(List.of(rendered.toString()));
            for (Map.Entry<String, String> d : seen.entrySet()) {
                assertThat(again.value(d.getKey())).as("%s from %s", d.getKey(), rendered).isEqualTo(d.getValue());
            }
        }
    }

    /** Directive names the parser kept, found by asking for every candidate in the input. */
    private static List<String> names(CacheControl cc, List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String part : v.split("[,=]")) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                if (cc.has(name) && !out.contains(name)) {
                    assertThat(name).isNotEmpty().doesNotContain(",", "=");
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** Input: {@code Vary} field values, one a line. */
    @FuzzTest(maxDuration = "2m")
    void varyHeaders(byte[] data) {
        List<String> values = Arrays.asList(text(data).split("\n", -1));
        List<String> names = guarded(() -> RequestHeaders.varyNames(values));
        assertThat(names).isSorted().doesNotHaveDuplicates();
        for (String n : names) {
            assertThat(n).isNotBlank().isEqualTo(n.trim()).isEqualTo(n.toLowerCase(Locale.ROOT)).doesNotContain(",");
            assertThat(RequestHeaders.containsToken(Collections.enumeration(values), n)).as(n).isTrue();
        }
    }

    /**
     * Input: {@code requestURI \n contextPath \n query \n tag \n ignored,parameters \n purge prefix};
     * a first byte 's' sorts the query.
     */
    @FuzzTest(maxDuration = "2m")
    void keys(byte[] data) {
        List<String> f = fields(data, '\n', 6);
        String uri = f.get(0).startsWith("s") ? f.get(0).substring(1) : f.get(0);
        List<String> ignored = Arrays.stream(f.get(4).split(",")).filter(s -> !s.isEmpty()).toList();
        CacheKeys keys = new CacheKeys("app:", f.get(0).startsWith("s"), ignored);
        String urlKey = guarded(() -> keys.urlKey(uri, f.get(1), f.get(2)));
        assertThat(urlKey).isNotEmpty();
        String normalised = keys.normaliseQuery(f.get(2));
        assertThat(keys.normaliseQuery(normalised)).as("normalising is idempotent").isEqualTo(normalised);

        String base = keys.base(urlKey);
        assertBounded(base, "app:cache:{");
        assertThat(keys.lock(urlKey)).isEqualTo(base + "#lock");
        assertBounded(keys.tag(f.get(3)), "app:cache:tag:{");

        String prefix = f.get(5);
        String canonical = guarded(() -> CacheKeys.canonicalPath(uri));
        assertThat(CacheKeys.canonicalPath(canonical)).as("canonical paths are idempotent").isEqualTo(canonical);
        String generation = guarded(() -> keys.generationOfPrefix("/" + prefix));
        assertBounded(generation.substring(0, generation.indexOf('}') + 1), "app:cache:gen:{");
        for (String g : keys.generations(urlKey)) {
            assertThat(g).as("one MGET: every generation of a URL shares a hash tag")
                    .startsWith(keys.generations(urlKey).get(0));
        }
    }

    private static int escapedLength(String s) {
        return s.replace("{", "%7B").replace("}", "%7D").length();
    }

    /** A key is {@code <prefix>{<part>}} with a bounded part free of braces, so it names one Cluster slot. */
    private static void assertBounded(String key, String prefix) {
        assertThat(key).startsWith(prefix).endsWith("}");
        String part = key.substring(prefix.length(), key.length() - 1);
        assertThat(part).doesNotContain("{", "}").hasSizeLessThanOrEqualTo(CacheKeys.MAX_KEY_PART);
        assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(prefix.length() + 1 + 3 * CacheKeys.MAX_KEY_PART);
    }

    /** Redis's {@code stringmatchlen} (the {@code SCAN MATCH} glob), on chars. */
    static final class RedisGlob {
        static boolean matches(String p, String s) {
            return match(p, 0, s, 0);
        }

        private static boolean match(String p, int pi, String s, int si) {
            while (pi < p.length() && si < s.length()) {
                char c = p.charAt(pi);
                switch (c) {
                    case '*' -> {
                        while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
                            pi++;
                        }
                        if (pi + 1 == p.length()) {
                            return true;
                        }
                        for (int k = si; k < s.length(); k++) {
                            if (match(p, pi + 1, s, k)) {
                                return true;
                            }
                        }
                        return false;
                    }
                    case '?' -> si++;
                    case '[' -> throw new AssertionError("unescaped '[' in a purge pattern: " + p);
                    default -> {
                        if (c == '\\' && pi + 1 < p.length()) {
                            pi++;
                        }
                        if (p.charAt(pi) != s.charAt(si)) {
                            return false;
                        }
                        si++;
                    }
                }
                pi++;
                if (si == s.length()) {
                    while (pi < p.length() && p.charAt(pi) == '*') {
                        pi++;
                    }
                    break;
                }
            }
            return pi == p.length() && si == s.length();
        }
    }
}
