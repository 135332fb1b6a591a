package io.github.redisfilters.ratelimit;

import io.github.redisfilters.config.PathPattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One rate-limit rule: which requests it covers (path patterns and optional HTTP methods, or one
 * servlet for {@link RateLimit} annotations), its policies (all checked together, in one Redis
 * round trip), and the key that separates clients. Every rule that matches a request applies.
 * Build one with {@link #builder(String)} or parse the compact syntax with {@link #parse(String)}.
 */
public final class Rule {
    private final String name;
    private final Set<String> methods;
    private final List<PathPattern> patterns;
    private final String servletName;
    private final List<Policy> policies;
    private final KeySource key;
    private final String header;
    private final MissingKey missingKey;

    private Rule(Builder b) {
        this.name = b.name;
        this.methods = Set.copyOf(b.methods);
        this.patterns = List.copyOf(b.patterns);
        this.servletName = b.servletName;
        this.policies = List.copyOf(b.policies);
        this.key = b.key;
        this.header = b.header;
        this.missingKey = b.missingKey;
    }

    /**
     * Parses one rule in the compact syntax
     * {@code [name:] [METHOD[,METHOD…]] pattern… limit/window [algorithm]… [by key] [else ip|reject]},
     * e.g. {@code login: POST /api/auth/login 5/15m fixed by ip}. See {@link RateLimitConfig}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Rule parse(String text) {
        return RuleParser.parseOne(text, "rule");
    }

    /** Starts a rule; {@code name} is used for metrics, policy names and Redis keys. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() { return name; }

    /** Upper-case HTTP methods; empty = every method. */
    public Set<String> methods() { return methods; }

    public List<PathPattern> patterns() { return patterns; }

    /** For annotation rules: the servlet whose requests the rule covers; else null. */
    public String servletName() { return servletName; }

    public List<Policy> policies() { return policies; }

    public KeySource key() { return key; }

    /** Header name for {@link KeySource#HEADER}, else null. */
    public String header() { return header; }

    /** Missing-key action, or null to use the filter's {@code missingKey}. */
    public MissingKey missingKey() { return missingKey; }

    /** True when this rule covers a request with this method, application path and servlet. */
    boolean matches(String method, String path, String servlet) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        if (servletName != null) {
            return servletName.equals(servlet);
        }
        for (int i = 0; i < patterns.size(); i++) { // indexed: no iterator per request
            if (patterns.get(i).matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name).append(':');
        if (!methods.isEmpty()) {
            s.append(' ').append(String.join(",", new java.util.TreeSet<>(methods)));
        }
        if (servletName != null) {
            s.append(" servlet=").append(servletName);
        }
        patterns.forEach(p -> s.append(' ').append(p));
        for (Policy p : policies) {
            s.append(' ').append(p.limit()).append('/').append(io.github.redisfilters.config.Durations.format(p.window()))
                    .append(' ').append(p.algorithm().text());
        }
        s.append(" by ").append(key == KeySource.HEADER ? "header:" + header : key.name().toLowerCase(Locale.ROOT));
        if (missingKey != null) {
            s.append(" else ").append(missingKey.name().toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }

    /** Builder for {@link Rule}; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final Set<String> methods = new LinkedHashSet<>();
        private final List<PathPattern> patterns = new ArrayList<>();
        private String servletName;
        private final List<Policy> policies = new ArrayList<>();
        private KeySource key = KeySource.IP;
        private String header;
        private MissingKey missingKey;

        private Builder(String name) {
            if (name == null || !name.matches("[A-Za-z0-9_.\\-]{1,64}")) {
                throw new IllegalArgumentException("rule name '" + name + "' must be 1-64 letters, digits, '-', '_' or '.'");
            }
            this.name = name;
        }

        /** Restricts the rule to these HTTP methods (default: all). */
        public Builder methods(String... methods) {
            for (String m : methods) {
                if (m == null || !m.matches("[A-Za-z]{1,20}")) {
                    throw new IllegalArgumentException("rule '" + name + "': '" + m + "' is not an HTTP method");
                }
                this.methods.add(m.toUpperCase(Locale.ROOT));
            }
            return this;
        }

        /** Adds a path pattern ({@link PathPattern#FORM}). */
        public Builder path(String pattern) {
            try {
                patterns.add(PathPattern.parse(pattern));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rule '" + name + "': " + e.getMessage());
            }
            return this;
        }

        /** Covers the requests dispatched to this servlet (used for annotations). */
        public Builder servlet(String servletName) {
            this.servletName = Objects.requireNonNull(servletName);
            return this;
        }

        /** Adds a policy; with one policy it is named like the rule, else {@code <rule>-<window>}. */
        public Builder policy(long limit, java.time.Duration window, Algorithm algorithm) {
            return policy(null, limit, window, algorithm);
        }

        /** Adds a named policy (null name = automatic). */
        public Builder policy(String policyName, long limit, java.time.Duration window, Algorithm algorithm) {
            policies.add(new Policy(policyName == null ? "_" : policyName, limit, window, algorithm));
            autoNamed.add(policyName == null);
            return this;
        }

        private final List<Boolean> autoNamed = new ArrayList<>();

        /** The key separating clients (default {@link KeySource#IP}); use {@link #header(String)} for headers. */
        public Builder key(KeySource key) {
            if (key == KeySource.HEADER) {
                throw new IllegalArgumentException("rule '" + name + "': use header(name) for a header key");
            }
            this.key = Objects.requireNonNull(key);
            this.header = null;
            return this;
        }

        /** Keys the rule by a request header, e.g. {@code X-Api-Key}. */
        public Builder header(String headerName) {
            if (headerName == null || !headerName.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")) {
                throw new IllegalArgumentException("rule '" + name + "': '" + headerName + "' is not a header name");
            }
            this.key = KeySource.HEADER;
            this.header = headerName;
            return this;
        }

        /** What to do when the request has no key value (default: the filter's {@code missingKey}). */
        public Builder missingKey(MissingKey action) {
            this.missingKey = action;
            return this;
        }

        public Rule build() {
            if (policies.isEmpty()) {
                throw new IllegalArgumentException("rule '" + name + "': no policy (write one as limit/window, e.g. 100/1m)");
            }
            if (patterns.isEmpty() && servletName == null) {
                throw new IllegalArgumentException("rule '" + name + "': no path pattern");
            }
            List<Policy> named = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < policies.size(); i++) {
                Policy p = policies.get(i);
                String n = p.name();
                if (autoNamed.get(i)) {
                    n = policies.size() == 1 ? name : name + "-" + io.github.redisfilters.config.Durations.format(p.window());
                    if (seen.contains(n)) {
                        n = name + "-" + (i + 1);
                    }
                }
                if (!seen.add(n)) {
                    throw new IllegalArgumentException("rule '" + name + "': two policies named '" + n + "'");
                }
                named.add(new Policy(n, p.limit(), p.window(), p.algorithm()));
            }
            policies.clear();
            policies.addAll(named);
            autoNamed.replaceAll(b -> false);
            return new Rule(this);
        }
    }
}
