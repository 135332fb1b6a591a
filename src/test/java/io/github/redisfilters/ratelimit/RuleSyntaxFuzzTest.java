package io.github.redisfilters.ratelimit;

import static io.github.redisfilters.testing.Fuzz.guarded;
import static io.github.redisfilters.testing.Fuzz.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the two ways an operator writes rate-limit rules: the compact {@code rules} syntax and
 * the JSON rules file. Either the rules are valid (and the compact form of each parses back to
 * itself), or one {@link IllegalArgumentException} names the rule and what is wrong.
 */
class RuleSyntaxFuzzTest {
    private static Path rulesFile;
    private static Path yamlRulesFile;

    @FuzzTest(maxDuration = "2m")
    void compactRules(byte[] data) {
        String text = text(data);
        List<String> ruleTexts = new ArrayList<>();
        for (String part : text.split("[;\\n]")) {
            if (!part.trim().isEmpty() && !part.trim().startsWith("#")) {
                ruleTexts.add(part.trim());
            }
        }
        List<Rule> rules;
        try {
            rules = guarded(() -> RuleParser.parseAll(text));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("rule '").endsWith("; expected " + RuleParser.SYNTAX);
            assertThat(ruleTexts.stream().anyMatch(t -> e.getMessage().startsWith("rule '" + t + "': ")))
                    .as("the error names the rule as written: %s", e.getMessage()).isTrue();
            return;
        }
        assertThat(rules).hasSameSizeAs(ruleTexts);
        for (Rule r : rules) {
            assertThat(r.policies()).isNotEmpty();
            assertThat(r.patterns()).isNotEmpty();
            String compact = r.toString();
            Rule again = guarded(() -> Rule.parse(compact));
            assertThat(again.toString()).as("'%s' parses back to itself", compact).isEqualTo(compact);
            assertThat(again.policies()).isEqualTo(r.policies());
        }
    }

    @FuzzTest(maxDuration = "2m")
    void rulesFile(byte[] data) throws IOException {
        if (rulesFile == null) {
            rulesFile = Files.createTempFile("rules", ".json");
            rulesFile.toFile().deleteOnExit();
        }
        load(rulesFile, data);
    }

    @FuzzTest(maxDuration = "2m")
    void yamlRulesFile(byte[] data) throws IOException {
        if (yamlRulesFile == null) {
            yamlRulesFile = Files.createTempFile("rules", ".yaml");
            yamlRulesFile.toFile().deleteOnExit();
        }
        load(yamlRulesFile, data);
    }

    private static void load(Path file, byte[] data) throws IOException {
        Files.write(file, data);
        String location = file.toString();
        List<Rule> rules;
        try {
            rules = guarded(() -> RulesFile.load(location, RuleSyntaxFuzzTest.class.getClassLoader()));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("rules file '" + location + "'");
            return;
        }
        for (Rule r : rules) {
            assertThat(r.policies()).isNotEmpty();
            assertThat(r.patterns()).isNotEmpty();
        }
    }
}
