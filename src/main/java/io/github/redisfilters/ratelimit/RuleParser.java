package io.github.redisfilters.ratelimit;

import io.github.redisfilters.internal.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The compact rule syntax of the {@code rules} init-param. Rules are separated by {@code ;} or
 * new lines; each is
 * {@code [name:] [METHOD[,METHOD…]] pattern… limit/window [algorithm] [, limit/window [algorithm]]… [by key] [else ip|reject]},
 * then, in any order, {@code failure open|closed|local}, {@code report-only},
 * {@code exempt CIDR[,CIDR…]}, {@code exempt-keys key[,key…]} and {@code deny status ["message"]}.
 * Errors name the rule (by number and text) and the offending token.
 */
final class RuleParser {
    static final String SYNTAX = "[name:] [METHOD[,METHOD]] pattern... limit/window [algorithm]... [by ip|principal|session|custom|header:Name]"
            + " [else ip|reject] [failure open|closed|local] [report-only] [exempt CIDR,...] [exempt-keys key,...] [deny status [\"message\"]]";

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
        List<String> tokens = tokens(text);
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
        Set<String> seen = new HashSet<>();
        while (i < tokens.size()) {
            String clause = tokens.get(i++).toLowerCase(Locale.ROOT);
            if (!CLAUSES.contains(clause)) {
                throw new IllegalArgumentException("unexpected '" + tokens.get(i - 1) + "'");
            }
            if (!seen.add(clause)) {
                throw new IllegalArgumentException("'" + clause + "' is given twice");
            }
            switch (clause) {
                case "report-only" -> b.reportOnly(true);
                case "failure" -> {
                    String m = i < tokens.size() ? tokens.get(i++) : "";
                    try {
                        b.failureMode(RateLimitConfig.FailureMode.valueOf(m.toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("'failure " + m + "': expected failure open, closed or local");
                    }
                }
                case "exempt", "exempt-keys" -> {
                    List<String> values = new ArrayList<>();
                    while (i < tokens.size() && !isKeyword(tokens.get(i))) {
                        for (String v : tokens.get(i++).split(",")) {
                            if (!v.isEmpty()) {
                                values.add(v);
                            }
                        }
                    }
                    if (values.isEmpty()) {
                        throw new IllegalArgumentException("'" + clause + "' needs a comma-separated list");
                    }
                    if (clause.equals("exempt")) {
                        b.exempt(values.toArray(String[]::new));
                    } else {
                        b.exemptKeys(values.toArray(String[]::new));
                    }
                }
                default -> { // deny
                    String st = i < tokens.size() ? tokens.get(i++) : "";
                    if (!st.matches("[0-9]{3}")) {
                        throw new IllegalArgumentException("'deny " + st + "': expected deny <status> [\"message\"], e.g. deny 429");
                    }
                    b.denyStatus(Integer.parseInt(st));
                    if (i < tokens.size() && tokens.get(i).startsWith("\"")) {
                        String q = tokens.get(i++);
                        b.denyMessage(q.substring(1, q.length() - 1));
                    }
                }
            }
        }
        return b.build();
    }

    /** What the regex {@code \\s} matches. */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** Clauses that may follow the key and missing-key action, in any order. */
    private static final Set<String> CLAUSES = Set.of("failure", "report-only", "exempt", "exempt-keys", "deny");

    private static boolean isKeyword(String t) {
        String l = t.toLowerCase(Locale.ROOT);
        return l.equals("by") || l.equals("else") || CLAUSES.contains(l);
    }

    /**
     * Splits on white space; a token starting with {@code "} runs to the next {@code "} (a deny
     * message). {@code 100/1m,1000/1h} is two tokens; a trailing comma or control character goes.
     */
    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int n = text.length();
        int at = 0;
        while (at < n) {
            char c = text.charAt(at);
            if (space(c)) {
                at++;
                continue;
            }
            if (c == '"') {
                int end = text.indexOf('"', at + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated quoted message " + text.substring(at));
                }
                tokens.add(text.substring(at, end + 1));
                at = end + 1;
                continue;
            }
            int end = at;
            while (end < n && !space(text.charAt(end))) {
                end++;
            }
            for (String p : text.substring(at, end).split("(?<=,)(?=\\d)")) { // "100/1m,1000/1h" -> two tokens
                // "/a, /b" lists two patterns, and so does "/a,, /b"; control characters go as PathPattern trims them
                String s = p.replaceFirst("[,\\x00-\\x20]+$", "");
                if (!s.isEmpty()) {
                    tokens.add(s);
                }
            }
            at = end;
        }
        return tokens;
    }
}
