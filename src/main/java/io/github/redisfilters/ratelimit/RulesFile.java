package io.github.redisfilters.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.Mark;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import io.github.redisfilters.internal.config.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads rules from a JSON or YAML file ({@code classpath:rules.json}, {@code classpath:rules.yaml}
 * or a file-system path):
 * <pre>{@code
 * {"rules": [
 *   {"name": "login", "methods": ["POST"], "paths": ["/api/auth/login"],
 *    "policies": [{"limit": 5, "window": "15m", "algorithm": "fixed"}], "key": "ip"},
 *   {"name": "api", "paths": ["/api/**"], "key": "header:X-Api-Key", "missingKey": "reject",
 *    "policies": [{"limit": 10, "window": "1s"}, {"name": "api-hourly", "limit": 1000, "window": "1h"}],
 *    "failureMode": "local", "reportOnly": false, "exempt": ["10.0.0.0/8"], "exemptKeys": ["partner-key"],
 *    "denyStatus": 429, "denyMessage": "slow down"}
 * ]}
 * }</pre>
 * The format follows the extension: {@code .json} is JSON, {@code .yaml} and {@code .yml} are YAML
 * with the same schema; any other name is an error rather than a guess, so a file is never read
 * in a format its author did not mean. Unknown fields are errors, like unknown init-params.
 *
 * <p>YAML is read by Jackson on SnakeYAML's event parser: tags never instantiate classes and
 * aliases are never expanded. An alias ({@code *name}, including {@code <<: *name}) is refused with
 * its line and column, because Jackson would otherwise read it as the plain string {@code name};
 * this is also what makes "billion laughs" documents fail at their first alias. Both formats are
 * limited to nesting depth {@value #MAX_DEPTH}; YAML also to {@value #MAX_CODE_POINTS} code points.
 */
final class RulesFile {
    /** The schema needs depth 5 (document, rules, rule, policies, policy); the rest is margin. */
    static final int MAX_DEPTH = 16;
    /** About a thousand times a large rules file. */
    static final int MAX_CODE_POINTS = 1_000_000;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();
    private static final ObjectMapper JSON = mapper(JsonFactory.builder().streamReadConstraints(LIMITS).build());
    private static final YAMLFactory YAML_FACTORY = YAMLFactory.builder().streamReadConstraints(LIMITS)
            .loaderOptions(loaderOptions()).build();
    private static final ObjectMapper YAML = mapper(YAML_FACTORY);

    /** How a rules file is written, chosen by its extension. */
    enum Format {
        JSON, YAML;

        static Format of(String location) {
            String lower = location.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".json")) {
                return JSON;
            }
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return YAML;
            }
            throw new IllegalArgumentException("rules file '" + location
                    + "' must end in .json (JSON) or .yaml/.yml (YAML): the extension selects the format");
        }
    }

    record FileDoc(@JsonProperty("rules") List<RuleDoc> rules) {
    }

    record RuleDoc(@JsonProperty("name") String name, @JsonProperty("methods") List<String> methods,
            @JsonProperty("paths") List<String> paths, @JsonProperty("policies") List<PolicyDoc> policies,
            @JsonProperty("key") String key, @JsonProperty("missingKey") String missingKey,
            @JsonProperty("failureMode") String failureMode, @JsonProperty("reportOnly") Boolean reportOnly,
            @JsonProperty("exempt") List<String> exempt, @JsonProperty("exemptKeys") List<String> exemptKeys,
            @JsonProperty("denyStatus") Integer denyStatus, @JsonProperty("denyMessage") String denyMessage) {
    }

    record PolicyDoc(@JsonProperty("name") String name, @JsonProperty("limit") long limit,
            @JsonProperty("window") String window, @JsonProperty("algorithm") String algorithm) {
    }

    private RulesFile() {
    }

    private static ObjectMapper mapper(JsonFactory factory) {
        return new ObjectMapper(factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(MAX_CODE_POINTS); // enforced by SnakeYAML's scanner, which Jackson uses
        // Only SnakeYAML's composer applies these two, and Jackson does not compose; set anyway so
        // that a future Jackson that does cannot be led into expanding aliases or deep recursion.
        o.setMaxAliasesForCollections(0);
        o.setNestingDepthLimit(MAX_DEPTH);
        o.setAllowRecursiveKeys(false);
        return o;
    }

    /** Loads and validates; every problem is an {@link IllegalArgumentException} naming the file and rule. */
    static List<Rule> load(String location, ClassLoader loader) {
        Format format = Format.of(location);
        byte[] bytes;
        try {
            if (location.startsWith("classpath:")) {
                String res = location.substring("classpath:".length()).replaceFirst("^/", "");
                try (InputStream in = loader.getResourceAsStream(res)) {
                    if (in == null) {
                        throw new IllegalArgumentException("rules file '" + location + "' not found on the classpath");
                    }
                    bytes = in.readAllBytes();
                }
            } else {
                bytes = Files.readAllBytes(Path.of(location));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("rules file '" + location + "' cannot be read: " + e);
        }
        FileDoc doc = parse(location, format, bytes);
        if (doc == null || doc.rules() == null) {
            throw new IllegalArgumentException("rules file '" + location + "' has no \"rules\" array");
        }
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < doc.rules().size(); i++) {
            RuleDoc r = doc.rules().get(i);
            if (r == null) {
                throw new IllegalArgumentException("rules file '" + location + "', rule #" + (i + 1) + " is null");
            }
            String name = r.name() == null ? "rule" + (i + 1) : r.name();
            try {
                out.add(toRule(r, name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rules file '" + location + "', rule #" + (i + 1) + " ('" + name + "'): "
                        + e.getMessage(), e);
            }
        }
        return out;
    }

    private static FileDoc parse(String location, Format format, byte[] bytes) {
        ObjectMapper mapper = format == Format.YAML ? YAML : JSON;
        try {
            if (format == Format.YAML) {
                refuseAliases(bytes);
            }
            return mapper.readValue(bytes, FileDoc.class);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException("rules file '" + location + "'" + ruleOf(e, mapper, bytes) + ": "
                    + mappingProblem(e) + at(locate(e, mapper, bytes)), e);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new IllegalArgumentException("rules file '" + location + "' is not valid YAML: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")")
                    + (m == null ? at(e.getLocation()) : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("rules file '" + location + "' is not valid " + format + ": "
                    + e.getOriginalMessage() + at(e.getLocation()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("rules file '" + location + "' cannot be read: " + e);
        }
    }

    /** Walks the YAML events once; Jackson would read {@code *a} as the string "a". */
    private static void refuseAliases(byte[] bytes) throws IOException {
        try (JsonParser p = YAML_FACTORY.createParser(bytes)) {
            YAMLParser yaml = (YAMLParser) p;
            while (p.nextToken() != null) {
                if (yaml.isCurrentAlias()) {
                    throw new AliasException(p, "YAML alias '*" + p.getText()
                            + "' is not supported: write the value out (anchors, aliases and merge keys are refused)");
                }
            }
        }
    }

    /** A refused alias, reported like a syntax error. */
    private static final class AliasException extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        AliasException(JsonParser p, String message) {
            super(message, p.currentTokenLocation());
        }
    }

    /** {@code , rule #2 ('api')} when the problem lies inside a rule, else nothing. */
    private static String ruleOf(JsonMappingException e, ObjectMapper mapper, byte[] bytes) {
        List<JsonMappingException.Reference> path = e.getPath();
        if (path.size() < 2 || !"rules".equals(path.get(0).getFieldName()) || path.get(1).getIndex() < 0) {
            return "";
        }
        int index = path.get(1).getIndex();
        String name = "rule" + (index + 1);
        try {
            JsonNode n = mapper.readTree(bytes).path("rules").path(index).path("name");
            if (n.isTextual()) {
                name = n.asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // the default name will do
        }
        return ", rule #" + (index + 1) + " ('" + name + "')";
    }

    /**
     * Where the field a mapping error is about starts. Jackson's own location is where its parser
     * stood, which in YAML is often the line after the offending value.
     */
    private static JsonLocation locate(JsonMappingException e, ObjectMapper mapper, byte[] bytes) {
        JsonPointer target = JsonPointer.empty();
        for (JsonMappingException.Reference r : e.getPath()) {
            target = r.getFieldName() != null ? target.appendProperty(r.getFieldName()) : target.appendIndex(r.getIndex());
        }
        if (!target.matches()) {
            try (JsonParser p = mapper.getFactory().createParser(bytes)) {
                while (p.nextToken() != null) {
                    if (p.getParsingContext().pathAsPointer().equals(target)) {
                        return p.currentTokenLocation();
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // fall back to Jackson's location
            }
        }
        return e.getLocation();
    }

    private static String mappingProblem(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream().map(String::valueOf)
                    .sorted().collect(Collectors.joining(", ", " (known: ", ")"));
            return "unknown field '" + u.getPropertyName() + "'" + known;
        }
        return e.getOriginalMessage();
    }

    private static String at(JsonLocation l) {
        return l == null || l.getLineNr() < 1 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static Rule toRule(RuleDoc r, String name) {
        Rule.Builder b = Rule.builder(name);
        if (r.methods() != null) {
            b.methods(r.methods().toArray(String[]::new));
        }
        if (r.paths() != null) {
            r.paths().forEach(b::path);
        }
        if (r.policies() != null) {
            for (PolicyDoc p : r.policies()) {
                if (p == null) {
                    throw new IllegalArgumentException("policy is null");
                }
                if (p.window() == null) {
                    throw new IllegalArgumentException("policy without \"window\"");
                }
                b.policy(p.name(), p.limit(), Durations.parse(p.window()),
                        p.algorithm() == null ? Algorithm.SLIDING_LOG : Algorithm.parse(p.algorithm()));
            }
        }
        if (r.key() != null) {
            if (r.key().toLowerCase(Locale.ROOT).startsWith("header:")) {
                b.header(r.key().substring("header:".length()));
            } else {
                b.key(KeySource.parse(r.key()));
            }
        }
        if (r.missingKey() != null) {
            try {
                b.missingKey(MissingKey.valueOf(r.missingKey().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("missingKey '" + r.missingKey() + "': expected ip or reject");
            }
        }
        if (r.failureMode() != null) {
            try {
                b.failureMode(RateLimitConfig.FailureMode.valueOf(r.failureMode().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("failureMode '" + r.failureMode() + "': expected open, closed or local");
            }
        }
        if (r.reportOnly() != null) {
            b.reportOnly(r.reportOnly());
        }
        if (r.exempt() != null) {
            b.exempt(r.exempt().toArray(String[]::new));
        }
        if (r.exemptKeys() != null) {
            b.exemptKeys(r.exemptKeys().toArray(String[]::new));
        }
        if (r.denyStatus() != null) {
            b.denyStatus(r.denyStatus());
        }
        b.denyMessage(r.denyMessage());
        return b.build();
    }
}
