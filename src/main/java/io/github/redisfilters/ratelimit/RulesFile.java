package io.github.redisfilters.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.redisfilters.config.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads rules from a JSON file ({@code classpath:rules.json} or a file-system path):
 * <pre>{@code
 * {"rules": [
 *   {"name": "login", "methods": ["POST"], "paths": ["/api/auth/login"],
 *    "policies": [{"limit": 5, "window": "15m", "algorithm": "fixed"}], "key": "ip"},
 *   {"name": "api", "paths": ["/api/**"], "key": "header:X-Api-Key", "missingKey": "reject",
 *    "policies": [{"limit": 10, "window": "1s"}, {"name": "api-hourly", "limit": 1000, "window": "1h"}]}
 * ]}
 * }</pre>
 * Unknown fields are errors, like unknown init-params.
 */
final class RulesFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record FileDoc(@JsonProperty("rules") List<RuleDoc> rules) {
    }

    record RuleDoc(@JsonProperty("name") String name, @JsonProperty("methods") List<String> methods,
            @JsonProperty("paths") List<String> paths, @JsonProperty("policies") List<PolicyDoc> policies,
            @JsonProperty("key") String key, @JsonProperty("missingKey") String missingKey) {
    }

    record PolicyDoc(@JsonProperty("name") String name, @JsonProperty("limit") long limit,
            @JsonProperty("window") String window, @JsonProperty("algorithm") String algorithm) {
    }

    private RulesFile() {
    }

    /** Loads and validates; every problem is an {@link IllegalArgumentException} naming the file and rule. */
    static List<Rule> load(String location, ClassLoader loader) {
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
        FileDoc doc;
        try {
            doc = JSON.readValue(bytes, FileDoc.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("rules file '" + location + "' is not valid: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("rules file '" + location + "' cannot be read: " + e);
        }
        if (doc == null || doc.rules() == null) {
            throw new IllegalArgumentException("rules file '" + location + "' has no \"rules\" array");
        }
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < doc.rules().size(); i++) {
            RuleDoc r = doc.rules().get(i);
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
        return b.build();
    }
}
