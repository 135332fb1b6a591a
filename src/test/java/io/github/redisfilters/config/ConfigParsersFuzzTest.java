package io.github.redisfilters.config;

import static io.github.redisfilters.testing.Fuzz.fields;
import static io.github.redisfilters.testing.Fuzz.guarded;
import static io.github.redisfilters.testing.Fuzz.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.internal.config.InitParams;
import io.github.redisfilters.internal.config.Sizes;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fuzzes the operator-facing value parsers: every input either parses into a value that keeps the
 * documented invariants, or is rejected with the documented exception naming the input. Regression
 * inputs: {@code src/test/resources/io/github/redisfilters/config/ConfigParsersFuzzTestInputs/}.
 */
class ConfigParsersFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void durations(byte[] data) {
        String s = text(data);
        Duration d;
        try {
            d = guarded(() -> Durations.parse(s));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isEqualTo("not " + Durations.FORM);
            return;
        }
        assertThat(d).isNotNull();
        if (!s.trim().toLowerCase(Locale.ROOT).startsWith("p")) {
            assertThat(d.isNegative()).as("short forms are never negative: %s", s).isFalse();
        }
        if (!d.isNegative() && d.getNano() % 1_000_000 == 0 && d.compareTo(Duration.ofMillis(999_999_999_999L)) <= 0) {
            assertThat(Durations.parse(Durations.format(d))).as("format/parse round trip of %s", s).isEqualTo(d);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void sizes(byte[] data) {
        String s = text(data);
        long bytes;
        try {
            bytes = guarded(() -> Sizes.parse(s));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("not " + Sizes.FORM);
            return;
        }
        assertThat(bytes).as(s).isNotNegative();
    }

    /** Input: {@code range \n address}. */
    @FuzzTest(maxDuration = "2m")
    void cidrRanges(byte[] data) {
        List<String> f = fields(data, '\n', 2);
        String text = f.get(0);
        String address = f.get(1);
        byte[] literal = guarded(() -> CidrRange.literal(address));
        if (literal != null) {
            assertThat(literal.length).as(address).isIn(4, 16);
        }
        CidrRange range;
        try {
            range = guarded(() -> CidrRange.parse(text));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("'" + text + "'");
            return;
        }
        byte[] network = CidrRange.literal(text.trim().split("/", 2)[0]);
        assertThat(network).as("a parsed range has a literal address: %s", text).isNotNull();
        assertThat(range.contains(network)).as("%s contains its own address", text).isTrue();
        assertThat(CidrRange.parse(range.toString()).contains(network)).isTrue();
        if (literal != null) {
            int prefix = text.indexOf('/') < 0 ? network.length * 8 : Integer.parseInt(text.trim().split("/", 2)[1]);
            boolean expected = literal.length == network.length
                    && new BigInteger(1, literal).shiftRight(literal.length * 8 - prefix)
                            .equals(new BigInteger(1, network).shiftRight(network.length * 8 - prefix));
            assertThat(range.contains(address)).as("%s contains %s", text, address).isEqualTo(expected);
            assertThat(range.contains(literal)).isEqualTo(expected);
        }
    }

    /** Input: {@code pattern \n path}. */
    @FuzzTest(maxDuration = "2m")
    void pathPatterns(byte[] data) {
        List<String> f = fields(data, '\n', 2);
        String text = f.get(0);
        String path = f.get(1);
        PathPattern pattern;
        try {
            pattern = guarded(() -> PathPattern.parse(text));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isEqualTo("'" + text + "' is not " + PathPattern.FORM);
            return;
        }
        boolean matched = guarded(() -> pattern.matches(path));
        if (text.length() <= 200 && path.length() <= 200) {
            assertThat(matched).as("'%s' matches '%s' as the documented glob does", text, path)
                    .isEqualTo(GlobOracle.matches(text.trim(), path));
        }
        // A client picks the path: matching a long one must stay fast whatever the operator's pattern.
        StringBuilder longPath = new StringBuilder(path.isEmpty() ? "/a" : path);
        while (longPath.length() < 8192) {
            longPath.append(longPath.length() % 3 == 0 ? "/" : "").append(path.isEmpty() ? "a" : path);
        }
        guarded(() -> pattern.matches(longPath.toString()));
        assertThat(PathPattern.parse(pattern.toString())).isEqualTo(pattern);
    }

    enum Mode { FAIL_OPEN, FAIL_CLOSED }

    private static final Set<String> KNOWN = Set.of("count", "limit", "flag", "mode", "ttl", "size", "proxies", "paths", "list");

    /** Input: lines of {@code name=value}. */
    @FuzzTest(maxDuration = "2m")
    void initParams(byte[] data) throws Exception {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String line : text(data).split("\n", 32)) {
            int eq = line.indexOf('=');
            raw.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? null : line.substring(eq + 1));
        }
        InitParams p;
        try {
            p = InitParams.of("filter 'fuzz'", raw, KNOWN);
        } catch (ConfigException e) {
            String unknown = raw.keySet().stream().filter(k -> !KNOWN.contains(k)).findFirst().orElseThrow();
            assertThat(e.getMessage()).startsWith("filter 'fuzz': unknown parameter '" + unknown + "'");
            return;
        }
        for (String name : p.names()) {
            assertThat(p.raw(name).orElseThrow()).isNotBlank().isEqualTo(p.raw(name).orElseThrow().trim());
        }
        check(p, "count", () -> assertThat(p.integer("count", 5, 0, 100)).isBetween(0, 100));
        check(p, "limit", () -> assertThat(p.longValue("limit", 5, 1, 1_000_000_000L)).isBetween(1L, 1_000_000_000L));
        check(p, "flag", () -> p.bool("flag", false));
        check(p, "mode", () -> assertThat(p.enumValue("mode", Mode.class, Mode.FAIL_OPEN)).isNotNull());
        check(p, "ttl", () -> assertThat(p.duration("ttl", Duration.ofSeconds(1), Duration.ofMillis(1)))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1)));
        check(p, "size", () -> assertThat(p.size("size", 1, 0, 1 << 20)).isBetween(0L, 1L << 20));
        check(p, "proxies", () -> assertThat(p.cidrs("proxies", List.of())).doesNotContainNull());
        check(p, "paths", () -> assertThat(p.paths("paths", List.of())).doesNotContainNull());
        assertThat(p.list("list")).allSatisfy(s -> assertThat(s).isNotEmpty().doesNotContain(",", " ", "\t", "\n"));
    }

    private interface Check {
        void run() throws ConfigException;
    }

    private static void check(InitParams p, String name, Check c) {
        try {
            guarded(() -> {
                c.run();
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            assertThat(e).isInstanceOf(ConfigException.class);
            String value = p.raw(name).orElse(null);
            if (value == null) {
                fail("an absent parameter is its default, not an error: " + e.getMessage());
            }
            assertThat(e.getMessage()).startsWith("filter 'fuzz': parameter '" + name + "' has invalid value '")
                    .contains("': expected ");
            if (!name.equals("proxies") && !name.equals("paths")) {
                assertThat(e.getMessage()).contains("'" + value + "'");
            }
        }
    }

    /**
     * The documented glob semantics: the regex the pattern used to compile to (with DOTALL: a path
     * may contain line terminators) where that is fast, else a memoised recursive glob.
     */
    static final class GlobOracle {
        static boolean matches(String p, String path) {
            boolean viaRecursion = recursive(p, path);
            if (p.chars().filter(c -> c == '*').count() <= 4 && path.length() <= 40) {
                assertThat(viaRecursion).as("oracles agree on '%s' '%s'", p, path).isEqualTo(regex(p, path));
            }
            return viaRecursion;
        }

        private static boolean recursive(String p, String path) {
            if (p.startsWith("*.")) {
                return path.endsWith(p.substring(1));
            }
            if (p.equals("/") || p.equals("/*") || p.equals("/**")) {
                return true;
            }
            String body = p;
            boolean subtree = body.endsWith("/**") || body.endsWith("/*");
            if (subtree) {
                body = body.substring(0, body.lastIndexOf('/'));
            }
            return glob(body, 0, path, 0, subtree, new Boolean[body.length() + 1][path.length() + 1]);
        }

        /** Does {@code p[i..]} match {@code s[j..]} (or, for a subtree, a prefix of it ending before a '/')? */
        private static boolean glob(String p, int i, String s, int j, boolean subtree, Boolean[][] memo) {
            if (memo[i][j] != null) {
                return memo[i][j];
            }
            boolean r;
            if (i == p.length()) {
                r = j == s.length() || subtree && s.charAt(j) == '/';
            } else if (p.startsWith("**", i)) {
                r = glob(p, i + 2, s, j, subtree, memo) || j < s.length() && glob(p, i, s, j + 1, subtree, memo);
            } else if (p.charAt(i) == '*') {
                r = glob(p, i + 1, s, j, subtree, memo)
                        || j < s.length() && s.charAt(j) != '/' && glob(p, i, s, j + 1, subtree, memo);
            } else {
                r = j < s.length() && s.charAt(j) == p.charAt(i) && glob(p, i + 1, s, j + 1, subtree, memo);
            }
            memo[i][j] = r;
            return r;
        }

        private static boolean regex(String p, String path) {
            if (p.startsWith("*.")) {
                return Pattern.compile(".*" + Pattern.quote(p.substring(1)), Pattern.DOTALL).matcher(path).matches();
            }
            if (p.equals("/") || p.equals("/*") || p.equals("/**")) {
                return true;
            }
            String body = p;
            String tail = "";
            if (body.endsWith("/**") || body.endsWith("/*")) {
                body = body.substring(0, body.lastIndexOf('/'));
                tail = "(/.*)?";
            }
            StringBuilder re = new StringBuilder();
            int i = 0;
            while (i < body.length()) {
                if (body.startsWith("**", i)) {
                    re.append(".*");
                    i += 2;
                } else if (body.charAt(i) == '*') {
                    re.append("[^/]*");
                    i++;
                } else {
                    int next = body.indexOf('*', i);
                    String lit = next < 0 ? body.substring(i) : body.substring(i, next);
                    re.append(Pattern.quote(lit));
                    i += lit.length();
                }
            }
            return Pattern.compile(re + tail, Pattern.DOTALL).matcher(path).matches();
        }
    }
}
