package io.github.redisfilters.ratelimit;

import io.github.redisfilters.config.CidrRange;
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
 *
 * <p>Per rule, besides the filter-wide defaults: what happens while Redis is unavailable
 * ({@link #failureMode()}: open, closed, or local in-memory limits per server), report-only mode
 * (decided, counted and reported, never denied), exempt client ranges and keys, and the status
 * and message of a denial.
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
    private final RateLimitConfig.FailureMode failureMode;
    private final boolean reportOnly;
    private final List<CidrRange> exempt;
    private final Set<String> exemptKeys;
    private final int denyStatus;
    private final String denyMessage;

    /** Default {@link #denyStatus()}. */
    public static final int DEFAULT_DENY_STATUS = 429;

    private Rule(Builder b) {
        this.name = b.name;
        this.methods = Set.copyOf(b.methods);
        this.patterns = List.copyOf(b.patterns);
        this.servletName = b.servletName;
        this.policies = List.copyOf(b.policies);
        this.key = b.key;
        this.header = b.header;
        this.missingKey = b.missingKey;
        this.failureMode = b.failureMode;
        this.reportOnly = b.reportOnly;
        this.exempt = List.copyOf(b.exempt);
        this.exemptKeys = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.exemptKeys));
        this.denyStatus = b.denyStatus;
        this.denyMessage = b.denyMessage;
        this.limitArgs = new byte[policies.size()][];
        this.windowArgs = new byte[policies.size()][];
        this.limitTexts = new String[policies.size()];
        this.resetTexts = new ResetText[policies.size()];
        for (int i = 0; i < policies.size(); i++) {
            Policy p = policies.get(i);
            limitArgs[i] = LimitCheck.ascii(reportOnly ? -p.limit() : p.limit());
            limitTexts[i] = Long.toString(p.limit());
            windowArgs[i] = LimitCheck.ascii(p.algorithm() == Algorithm.SLIDING_COUNTER ? -p.window().toMillis() : p.window().toMillis());
        }
    }

    // windows.lua arguments of each policy, encoded once (they are sent on every request)
    private final byte[][] limitArgs;
    private final byte[][] windowArgs;
    // header texts: the limit never changes, the reset second only once per window (fixed)
    private final String[] limitTexts;
    private final ResetText[] resetTexts;

    /** A reset time in epoch seconds and its text, kept while it stays the same. */
    private record ResetText(long seconds, String text) {
    }

    /** {@code X-RateLimit-Limit} of {@code p}. */
    String limitText(Policy p) {
        int i = indexOf(p);
        return i < 0 ? Long.toString(p.limit()) : limitTexts[i];
    }

    /** {@code X-RateLimit-Reset} text of {@code seconds} for {@code p}, reusing the last one when equal. */
    String resetText(Policy p, long seconds) {
        int i = indexOf(p);
        if (i < 0) {
            return Long.toString(seconds);
        }
        ResetText last = resetTexts[i]; // a benign race: at worst the text is made again
        if (last == null || last.seconds() != seconds) {
            last = new ResetText(seconds, Long.toString(seconds));
            resetTexts[i] = last;
        }
        return last.text();
    }

    private int indexOf(Policy p) {
        for (int i = 0; i < policies.size(); i++) {
            if (policies.get(i) == p) {
                return i;
            }
        }
        return -1;
    }

    /** {@code windows.lua}'s limit argument of {@code p}: negative for a report-only rule. */
    byte[] limitArg(Policy p) {
        for (int i = 0; i < policies.size(); i++) {
            if (policies.get(i) == p) {
                return limitArgs[i];
            }
        }
        return LimitCheck.ascii(reportOnly ? -p.limit() : p.limit());
    }

    /** {@code windows.lua}'s window argument of {@code p}: milliseconds, negative for a sliding counter. */
    byte[] windowArg(Policy p) {
        for (int i = 0; i < policies.size(); i++) {
            if (policies.get(i) == p) {
                return windowArgs[i];
            }
        }
        return LimitCheck.ascii(p.algorithm() == Algorithm.SLIDING_COUNTER ? -p.window().toMillis() : p.window().toMillis());
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

    /** What happens while Redis is unavailable, or null to use the filter's {@code failureMode}. */
    public RateLimitConfig.FailureMode failureMode() { return failureMode; }

    /** Report-only (dry run) rule: decided, counted and reported in headers and the request attribute, never denied. */
    public boolean reportOnly() { return reportOnly; }

    /** Client address ranges this rule never limits (empty = none). */
    public List<CidrRange> exempt() { return exempt; }

    /** Values of this rule's key (API keys, user names, custom keys) it never limits, as written (empty = none). */
    public Set<String> exemptKeys() { return exemptKeys; }

    /** Status of a denial by this rule (default 429; 400-599). */
    public int denyStatus() { return denyStatus; }

    /** Detail text of a denial by this rule, or null for the default ("rate limit exceeded: policies"). */
    public String denyMessage() { return denyMessage; }

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
            s.append(' ').append(p.limit()).append('/').append(io.github.redisfilters.internal.config.Durations.format(p.window()))
                    .append(' ').append(p.algorithm().text());
        }
        s.append(" by ").append(key == KeySource.HEADER ? "header:" + header : key.name().toLowerCase(Locale.ROOT));
        if (missingKey != null) {
            s.append(" else ").append(missingKey.name().toLowerCase(Locale.ROOT));
        }
        if (failureMode != null) {
            s.append(" failure ").append(failureMode.name().toLowerCase(Locale.ROOT));
        }
        if (reportOnly) {
            s.append(" report-only");
        }
        if (!exempt.isEmpty()) {
            s.append(" exempt ").append(String.join(",", exempt.stream().map(CidrRange::toString).toList()));
        }
        if (!exemptKeys.isEmpty()) {
            s.append(" exempt-keys ").append(String.join(",", exemptKeys));
        }
        if (denyStatus != DEFAULT_DENY_STATUS || denyMessage != null) {
            s.append(" deny ").append(denyStatus);
            if (denyMessage != null) {
                s.append(" \"").append(denyMessage).append('"');
            }
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
        private RateLimitConfig.FailureMode failureMode;
        private boolean reportOnly;
        private final List<CidrRange> exempt = new ArrayList<>();
        private final Set<String> exemptKeys = new LinkedHashSet<>();
        private int denyStatus = DEFAULT_DENY_STATUS;
        private String denyMessage;

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
            // an automatic name is given in build(); until then the rule's (so a refusal names the rule)
            policies.add(new Policy(policyName == null ? name : policyName, limit, window, algorithm));
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

        /**
         * What this rule does while Redis is unavailable (default: the filter's {@code failureMode}):
         * {@code OPEN} admits, {@code CLOSED} answers 503 with {@code Retry-After}, {@code LOCAL}
         * enforces the rule with an in-memory limiter on each server until Redis answers again.
         */
        public Builder failureMode(RateLimitConfig.FailureMode mode) {
            this.failureMode = mode;
            return this;
        }

        /** Report-only (dry run): decide, count, send headers and the request attribute, never deny (default false). */
        public Builder reportOnly(boolean reportOnly) {
            this.reportOnly = reportOnly;
            return this;
        }

        /** Client addresses or CIDR ranges (after trusted-proxy resolution) this rule never limits. */
        public Builder exempt(String... ranges) {
            for (String r : ranges) {
                try {
                    exempt.add(CidrRange.parse(r == null ? "" : r));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("rule '" + name + "': exempt " + e.getMessage());
                }
            }
            return this;
        }

        /**
         * Values of the rule's key that are never limited: API keys for {@code header:Name}, user
         * names for {@code principal}, values of a {@code custom} key. Compared with the value as the
         * request carries it (a header value trimmed).
         */
        public Builder exemptKeys(String... keys) {
            for (String k : keys) {
                if (k == null || k.isEmpty() || k.length() > 256 || !k.chars().allMatch(c -> c > 32 && c < 127 && c != ',' && c != ';' && c != '"')) {
                    throw new IllegalArgumentException("rule '" + name + "': exempt key '" + k
                            + "' must be 1-256 visible ASCII characters other than , ; and \"");
                }
                exemptKeys.add(k);
            }
            return this;
        }

        /** Status of a denial by this rule (default 429); 400 to 599. */
        public Builder denyStatus(int status) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("rule '" + name + "': deny status " + status + " must be from 400 to 599");
            }
            this.denyStatus = status;
            return this;
        }

        /** Detail text of a denial by this rule (default: "rate limit exceeded: " and the policies); null = default. */
        public Builder denyMessage(String message) {
            if (message != null && (message.isBlank() || message.length() > 300
                    || !message.chars().allMatch(c -> c >= 32 && c != 127 && c != '"' && c != '\\' && c != ';'))) {
                throw new IllegalArgumentException("rule '" + name + "': deny message must be 1-300 characters without"
                        + " control characters, \", \\ or ;");
            }
            this.denyMessage = message;
            return this;
        }

        public Rule build() {
            if (policies.isEmpty()) {
                throw new IllegalArgumentException("rule '" + name + "': no policy (write one as limit/window, e.g. 100/1m)");
            }
            if (patterns.isEmpty() && servletName == null) {
                throw new IllegalArgumentException("rule '" + name + "': no path pattern");
            }
            if (!exemptKeys.isEmpty() && key == KeySource.IP) {
                throw new IllegalArgumentException("rule '" + name + "': exempt keys need a rule keyed by principal, header,"
                        + " session or custom; exempt client addresses with exempt CIDR ranges");
            }
            List<Policy> named = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < policies.size(); i++) {
                Policy p = policies.get(i);
                String n = p.name();
                if (autoNamed.get(i)) {
                    n = policies.size() == 1 ? name : name + "-" + io.github.redisfilters.internal.config.Durations.format(p.window());
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
