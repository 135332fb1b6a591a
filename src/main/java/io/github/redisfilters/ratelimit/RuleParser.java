package io.github.redisfilters.ratelimit;

import io.github.redisfilters.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The compact rule syntax of the {@code rules} init-param. Rules are separated by {@code ;} or
 * new lines; each is
 * {@code [name:] [METHOD[,METHOD…]] pattern… limit/window [algorithm] [, limit/window [algorithm]]… [by key] [else ip|reject]}.
 * Errors name the rule (by number and text) and the offending token.
 */
final class RuleParser {
    static final String SYNTAX = "[name:] [METHOD[,METHOD]] pattern... limit/window [algorithm]... [by ip|principal|session|custom|header:Name] [else ip|reject]";

    private RuleParser() {
    }

    static List<Rule> parseAll(String text) {
        List<Rule> rules = new ArrayList<>();
        int n = 0;
        for (String part : text.split("[;\\n]")) {
            String t = part.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            n++;
            rules.add(parseOne(t, "rule" + n));
        }
        return rules;
    }

    static Rule parseOne(String text, String defaultName) {
        String t = text.trim();
        try {
            return parse(t, defaultName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + t + "': " + e.getMessage() + "; expected " + SYNTAX, e);
        }
    }

    private static Rule parse(String text, String defaultName) {
        List<String> tokens = new ArrayList<>();
        for (String tok : text.split("\\s+")) {
            for (String p : tok.split("(?<=,)(?=\\d)")) { // "100/1m,1000/1h" -> two tokens
                // "/a, /b" lists two patterns, and so does "/a,, /b"; control characters go as PathPattern trims them
                String s = p.replaceFirst("[,\\x00-\\x20]+$", "");
                if (!s.isEmpty()) {
                    tokens.add(s);
                }
            }
        }
        int i = 0;
        String name = defaultName;
        if (i < tokens.size() && tokens.get(i).endsWith(":") && !tokens.get(i).startsWith("/")) {
            name = tokens.get(i).substring(0, tokens.get(i).length() - 1);
            i++;
        }
        Rule.Builder b = Rule.builder(name);
        if (i < tokens.size() && tokens.get(i).matches("[A-Za-z]+(,[A-Za-z]+)*,?")) {
            String m = tokens.get(i);
            if (!m.equals(m.toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException("'" + m + "' is neither an upper-case HTTP method nor a path pattern");
            }
            b.methods(m.split(","));
            i++;
        }
        int patterns = 0;
        while (i < tokens.size() && (tokens.get(i).startsWith("/") || tokens.get(i).startsWith("*."))) {
            b.path(tokens.get(i));
            patterns++;
            i++;
        }
        if (patterns == 0) {
            throw new IllegalArgumentException(i < tokens.size() ? "'" + tokens.get(i) + "' is not a path pattern"
                    : "no path pattern");
        }
        int policies = 0;
        while (i < tokens.size() && tokens.get(i).charAt(0) >= '0' && tokens.get(i).charAt(0) <= '9') {
            String p = tokens.get(i++);
            int slash = p.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("policy '" + p + "' is not limit/window such as 100/1m");
            }
            String digits = p.substring(0, slash);
            if (!digits.matches("[0-9]{1,18}")) { // ASCII only: parseLong would also take other scripts' digits
                throw new IllegalArgumentException("policy '" + p + "': '" + digits + "' is not a number");
            }
            long limit = Long.parseLong(digits);
            Duration window;
            try {
                window = Durations.parse(p.substring(slash + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("policy '" + p + "': window '" + p.substring(slash + 1) + "' is not "
                        + Durations.FORM.substring(2));
            }
            Algorithm alg = Algorithm.SLIDING_LOG;
            if (i < tokens.size() && !isKeyword(tokens.get(i)) && !Character.isDigit(tokens.get(i).charAt(0))) {
                alg = Algorithm.parse(tokens.get(i++));
            }
            b.policy(limit, window, alg);
            policies++;
        }
        if (policies == 0) {
            throw new IllegalArgumentException(i < tokens.size() ? "'" + tokens.get(i) + "' is not a policy (limit/window such as 100/1m)"
                    : "no policy (limit/window such as 100/1m)");
        }
        if (i < tokens.size() && tokens.get(i).equalsIgnoreCase("by")) {
            if (++i >= tokens.size()) {
                throw new IllegalArgumentException("'by' needs a key");
            }
            String k = tokens.get(i++);
            if (k.toLowerCase(Locale.ROOT).startsWith("header:")) {
                b.header(k.substring("header:".length()));
            } else if (k.equalsIgnoreCase("header")) {
                throw new IllegalArgumentException("write a header key as header:Name, e.g. header:X-Api-Key");
            } else {
                b.key(KeySource.parse(k));
            }
        }
        if (i < tokens.size() && tokens.get(i).equalsIgnoreCase("else")) {
            if (++i >= tokens.size()) {
                throw new IllegalArgumentException("'else' needs ip or reject");
            }
            String m = tokens.get(i++);
            try {
                b.missingKey(MissingKey.valueOf(m.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'else " + m + "': expected else ip or else reject");
            }
        }
        if (i < tokens.size()) {
            throw new IllegalArgumentException("unexpected '" + tokens.get(i) + "'");
        }
        return b.build();
    }

    private static boolean isKeyword(String t) {
        return t.equalsIgnoreCase("by") || t.equalsIgnoreCase("else");
    }
}
