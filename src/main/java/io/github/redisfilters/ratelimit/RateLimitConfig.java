package io.github.redisfilters.ratelimit;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.config.CidrRange;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.internal.config.InitParams;
import io.github.redisfilters.internal.web.TrustedProxies;
import jakarta.servlet.FilterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The effective configuration of a {@link RateLimitFilter}: immutable, built by
 * {@link #builder()} or read from init-params by {@link #fromInitParams(FilterConfig)}; both end
 * in the same validation.
 *
 * <table>
 * <caption>Init-params (plus the shared {@code redis*} and {@code keyPrefix} parameters)</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>rules</td><td>none</td><td>rules in the compact syntax, separated by {@code ;} or new lines:
 *   {@code [name:] [METHOD[,METHOD]] pattern… limit/window [algorithm]… [by key] [else ip|reject]},
 *   e.g. {@code login: POST /api/auth/login 5/15m fixed by ip failure local; api: /api/** 100/1m sliding by ip}.
 *   Algorithms: {@code fixed}, {@code sliding} (default; exact log), {@code sliding-counter},
 *   {@code token-bucket}. Keys: {@code ip} (default), {@code principal}, {@code session},
 *   {@code header:Name}, {@code custom}. Then, in any order: {@code failure open|closed|local}
 *   (this rule's failure mode), {@code report-only}, {@code exempt CIDR,…}, {@code exempt-keys key,…},
 *   {@code deny status ["message"]} (default 429 and "rate limit exceeded: …").</td></tr>
 * <tr><td>rulesFile</td><td>none</td><td>JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}) rules file, {@code classpath:x.json} or a path; added after {@code rules}</td></tr>
 * <tr><td>trustedProxies</td><td>the context-param {@code trustedProxies}, else none</td><td>CIDR list of proxies whose {@code X-Forwarded-For}/{@code Forwarded} is believed (see {@code TrustedProxies})</td></tr>
 * <tr><td>ipv6Prefix</td><td>64</td><td>IPv6 clients are counted per network of this prefix length (1–128)</td></tr>
 * <tr><td>missingKey</td><td>ip</td><td>when a request lacks a rule's key: {@code ip} (count by address) or {@code reject} (401)</td></tr>
 * <tr><td>headers</td><td>legacy</td><td>{@code legacy} ({@code X-RateLimit-*}), {@code draft} (IETF
 *   {@code RateLimit-Policy}/{@code RateLimit}, draft-10), {@code all}, or {@code none}; {@code Retry-After} is always sent on 429 and 503</td></tr>
 * <tr><td>failureMode</td><td>open</td><td>Redis unavailable, for rules that do not say: {@code open} admits,
 *   {@code closed} answers 503 + {@code Retry-After}, {@code local} enforces the rule with an in-memory limiter per server</td></tr>
 * <tr><td>retryAfter</td><td>5s</td><td>{@code Retry-After} of the 503 a {@code closed} rule answers while Redis is
 *   unavailable (1 s to 1 day, rounded up to whole seconds); a 429's {@code Retry-After} is the time until quota frees</td></tr>
 * <tr><td>localMaxKeys</td><td>10000</td><td>most clients (rule × key) the in-memory limiter of {@code local} rules holds (1–10000000);
 *   when full, the least recently used is dropped</td></tr>
 * <tr><td>listener</td><td>none</td><td>class name of a {@link RateLimitListener} (public no-arg constructor), told of every decision</td></tr>
 * <tr><td>enforce</td><td>true</td><td>{@code false} = dry run: decide, count and send headers, never block</td></tr>
 * <tr><td>keyResolver</td><td>none</td><td>class name of a {@link KeyResolver} (public no-arg constructor) for {@code by custom}</td></tr>
 * </table>
 */
public final class RateLimitConfig {
    /** Init-params of this filter, besides {@link RedisSettings#PARAMETER_NAMES}. */
    public static final Set<String> PARAMETERS = Set.of("rules", "rulesFile", TrustedProxies.PARAMETER, "ipv6Prefix",
            "missingKey", "headers", "failureMode", "retryAfter", "enforce", "keyResolver", "localMaxKeys", "listener");

    /** Which rate-limit headers are written. */
    public enum Headers {
        /** {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset} (default). */
        LEGACY,
        /** IETF {@code RateLimit-Policy} and {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers-10). */
        DRAFT,
        /** Both. */
        ALL,
        /** No rate-limit headers ({@code Retry-After} stays on 429/503). */
        NONE
    }

    /** What happens while Redis is unavailable. */
    public enum FailureMode {
        /** Admit the request, count an error (default). */
        OPEN,
        /** Answer 503 with {@code Retry-After}. */
        CLOSED,
        /**
         * Enforce the rule with an in-memory limiter on each server (Bucket4j local buckets: a
         * fixed window refills all at once per window, the other algorithms greedily), so a
         * brute-force limit still holds per server; Redis counts again as soon as it answers.
         */
        LOCAL
    }

    private final List<Rule> rules;
    private final List<CidrRange> trustedProxies;
    private final int ipv6Prefix;
    private final MissingKey missingKey;
    private final Headers headers;
    private final FailureMode failureMode;
    private final Duration retryAfter;
    private final boolean enforce;
    private final KeyResolver keyResolver;
    private final RedisSettings redis;
    private final Clock clock;
    private final int localMaxKeys;
    private final RateLimitListener listener;

    private RateLimitConfig(Builder b) {
        this.rules = List.copyOf(b.rules);
        this.trustedProxies = b.trustedProxies == null ? null : List.copyOf(b.trustedProxies);
        this.localMaxKeys = b.localMaxKeys;
        this.listener = b.listener;
        this.ipv6Prefix = b.ipv6Prefix;
        this.missingKey = b.missingKey;
        this.headers = b.headers;
        this.failureMode = b.failureMode;
        this.retryAfter = b.retryAfter;
        this.enforce = b.enforce;
        this.keyResolver = b.keyResolver;
        this.redis = b.redis;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the filter's init-params; a bad one fails with a message naming filter, parameter and value. */
    public static RateLimitConfig fromInitParams(FilterConfig filterConfig) throws ConfigException {
        Set<String> known = new HashSet<>(PARAMETERS);
        known.addAll(RedisSettings.PARAMETER_NAMES);
        InitParams p = InitParams.of(filterConfig, known);
        Builder b = builder();
        ClassLoader loader = filterConfig.getServletContext().getClassLoader();
        b.rules.addAll(p.get("rules", List.of(), "rules in the form " + RuleParser.SYNTAX, RuleParser::parseAll));
        if (p.raw("rulesFile").isPresent()) {
            b.rules.addAll(p.get("rulesFile", List.of(),
                    "a readable JSON or YAML rules file (classpath:rules.json, classpath:rules.yaml or a path)",
                    loc -> RulesFile.load(loc, loader)));
        }
        b.trustedProxies(TrustedProxies.forFilter(filterConfig, p));
        // the reader only parses; every limit is the builder setter's (one place for all paths)
        p.apply("localMaxKeys", InitParams.INTEGER, b::localMaxKeys)
                .apply("ipv6Prefix", InitParams.INTEGER, b::ipv6Prefix)
                .apply("missingKey", InitParams.enumForm(MissingKey.class), b::missingKey)
                .apply("headers", InitParams.enumForm(Headers.class), b::headers)
                .apply("failureMode", InitParams.enumForm(FailureMode.class), b::failureMode)
                .apply("retryAfter", InitParams.DURATION, b::retryAfter)
                .apply("enforce", InitParams.BOOLEAN, b::enforce);
        if (p.raw("listener").isPresent()) {
            b.listener(p.get("listener", null, "the class name of a RateLimitListener with a public no-argument constructor",
                    name -> instantiate(name, loader, RateLimitListener.class)));
        }
        if (p.raw("keyResolver").isPresent()) {
            b.keyResolver(p.get("keyResolver", null, "the class name of a KeyResolver with a public no-argument constructor",
                    name -> instantiate(name, loader, KeyResolver.class)));
        }
        b.redisSettings(RedisSettings.forFilter(filterConfig, p));
        return p.validate(b::build);
    }

    /** Some embedded contexts' loaders do not see the application's classes: try the thread's, then ours. */
    private static <T> T instantiate(String className, ClassLoader loader, Class<T> type) {
        Class<?> c = null;
        for (ClassLoader l : new ClassLoader[] {loader, Thread.currentThread().getContextClassLoader(),
                RateLimitConfig.class.getClassLoader()}) {
            if (l == null) {
                continue;
            }
            try {
                c = Class.forName(className, true, l);
                break;
            } catch (ClassNotFoundException | LinkageError e) {
                // next loader
            }
        }
        if (c == null) {
            throw new IllegalArgumentException("class " + className + " not found");
        }
        try {
            return type.cast(c.getConstructor().newInstance());
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new IllegalArgumentException(e.toString());
        }
    }

    /** Rules from configuration, in order (annotation rules are added by the filter at start). */
    public List<Rule> rules() { return rules; }

    /** Trusted proxies, or null for the context-param {@code trustedProxies} (read when the filter starts). */
    public List<CidrRange> trustedProxies() { return trustedProxies; }

    /** Most clients (rule × key) the in-memory limiter of {@code local} rules holds (default 10000). */
    public int localMaxKeys() { return localMaxKeys; }

    /** The decision listener, or null. */
    public RateLimitListener listener() { return listener; }

    public int ipv6Prefix() { return ipv6Prefix; }

    public MissingKey missingKey() { return missingKey; }

    public Headers headers() { return headers; }

    public FailureMode failureMode() { return failureMode; }

    /** {@code Retry-After} of the 503 of a {@code closed} rule while Redis is unavailable. Default 5 s. */
    public Duration retryAfter() { return retryAfter; }

    public boolean enforce() { return enforce; }

    /** The custom key resolver, or null. */
    public KeyResolver keyResolver() { return keyResolver; }

    /** Redis settings, or null to resolve them from context-params/environment at start. */
    public RedisSettings redisSettings() { return redis; }

    /**
     * The old name of {@link #redisSettings()}, as the other filters' configs call it.
     *
     * @deprecated use {@link #redisSettings()}; this name goes in the next minor release
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public RedisSettings redis() { return redis; }

    /** The injected clock, or null when Redis {@code TIME} is the clock (default; one clock for all servers). */
    public Clock clock() { return clock; }

    /** A copy with more rules (annotation rules found at start), validated again. */
    RateLimitConfig withExtraRules(List<Rule> extra) {
        Builder b = toBuilder();
        b.rules.addAll(extra);
        return b.build();
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.rules.addAll(rules);
        b.trustedProxies = trustedProxies;
        b.localMaxKeys = localMaxKeys;
        b.listener = listener;
        b.ipv6Prefix = ipv6Prefix;
        b.missingKey = missingKey;
        b.headers = headers;
        b.failureMode = failureMode;
        b.retryAfter = retryAfter;
        b.enforce = enforce;
        b.keyResolver = keyResolver;
        b.redis = redis;
        b.clock = clock;
        return b;
    }

    @Override
    public String toString() {
        return "RateLimitConfig{rules=[" + rules.stream().map(Rule::toString).collect(Collectors.joining("; "))
                + "], trustedProxies=" + (trustedProxies == null ? "<context>" : trustedProxies) + ", ipv6Prefix=" + ipv6Prefix + ", missingKey="
                + missingKey.name().toLowerCase(java.util.Locale.ROOT) + ", headers=" + headers.name().toLowerCase(java.util.Locale.ROOT)
                + ", failureMode=" + failureMode.name().toLowerCase(java.util.Locale.ROOT) + ", retryAfter=" + Durations.format(retryAfter)
                + ", enforce=" + enforce
                + (keyResolver == null ? "" : ", keyResolver=" + keyResolver.getClass().getName())
                + ", localMaxKeys=" + localMaxKeys + (listener == null ? "" : ", listener=" + listener.getClass().getName())
                + (clock == null ? ", clock=redis TIME" : ", clock=" + clock) + "}";
    }

    /** Builder; every setter validates at once, {@link #build()} checks the whole. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private List<CidrRange> trustedProxies;
        private int localMaxKeys = 10_000;
        private RateLimitListener listener;
        private int ipv6Prefix = 64;
        private MissingKey missingKey = MissingKey.IP;
        private Headers headers = Headers.LEGACY;
        private FailureMode failureMode = FailureMode.OPEN;
        private Duration retryAfter = Duration.ofSeconds(5);
        private boolean enforce = true;
        private KeyResolver keyResolver;
        private RedisSettings redis;
        private Clock clock;

        private Builder() {
        }

        /** Adds a rule. */
        public Builder rule(Rule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Adds rules in the compact syntax ({@code ;}- or newline-separated). */
        public Builder rules(String compact) {
            rules.addAll(RuleParser.parseAll(compact));
            return this;
        }

        /** Adds the rules of a JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}) file ({@code classpath:} or a path). */
        public Builder rulesFile(String location) {
            rules.addAll(RulesFile.load(location, Thread.currentThread().getContextClassLoader()));
            return this;
        }

        /**
         * Proxies whose forwarding headers are believed; null (default) = the context-param
         * {@code trustedProxies} shared by all filters (see {@code TrustedProxies}), else none.
         */
        public Builder trustedProxies(List<CidrRange> ranges) {
            this.trustedProxies = ranges == null ? null : List.copyOf(ranges);
            return this;
        }

        /**
         * Most clients (rule × key) the in-memory limiter of {@code local} rules holds, 1 to
         * 10,000,000 (default 10,000; a few hundred bytes each). When full, the least recently
         * used is dropped: that client starts again with a full quota.
         */
        public Builder localMaxKeys(int max) {
            if (max < 1 || max > 10_000_000) {
                throw new IllegalArgumentException("localMaxKeys must be from 1 to 10000000 but was " + max);
            }
            this.localMaxKeys = max;
            return this;
        }

        /** Told of every decision (metrics, audit); null = none (default). */
        public Builder listener(RateLimitListener listener) {
            this.listener = listener;
            return this;
        }

        /** Proxies as CIDR text, e.g. {@code "10.0.0.0/8", "127.0.0.1"}. */
        public Builder trustedProxies(String... ranges) {
            List<CidrRange> out = new ArrayList<>();
            for (String r : ranges) {
                try {
                    out.add(CidrRange.parse(r));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("trustedProxies: " + e.getMessage());
                }
            }
            return trustedProxies(out);
        }

        /** IPv6 clients are grouped by this prefix length (1–128, default 64). */
        public Builder ipv6Prefix(int bits) {
            if (bits < 1 || bits > 128) {
                throw new IllegalArgumentException("ipv6Prefix must be from 1 to 128 but was " + bits);
            }
            this.ipv6Prefix = bits;
            return this;
        }

        public Builder missingKey(MissingKey action) {
            this.missingKey = Objects.requireNonNull(action, "missingKey");
            return this;
        }

        public Builder headers(Headers headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /** What rules that do not say do while Redis is unavailable (default {@code OPEN}). */
        public Builder failureMode(FailureMode mode) {
            this.failureMode = Objects.requireNonNull(mode, "failureMode");
            return this;
        }

        /** {@code false} = dry run (default true). */
        public Builder enforce(boolean enforce) {
            this.enforce = enforce;
            return this;
        }

        public Builder keyResolver(KeyResolver resolver) {
            this.keyResolver = resolver;
            return this;
        }

        /** Redis settings for this filter (default: context-params/environment). */
        public Builder redisSettings(RedisSettings settings) {
            this.redis = settings;
            return this;
        }

        /**
         * The old name of {@link #redisSettings(RedisSettings)}.
         *
         * @deprecated use {@link #redisSettings(RedisSettings)}; this name goes in the next minor release
         */
        @Deprecated(since = "0.1.0", forRemoval = true)
        public Builder redis(RedisSettings settings) {
            return redisSettings(settings);
        }

        /** See {@link RateLimitConfig#retryAfter()}: one second to one day. */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = Durations.check("retryAfter", Objects.requireNonNull(retryAfter, "retryAfter"),
                    Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Uses this clock instead of Redis {@code TIME} (tests; or when all servers' clocks are
         * trusted). The time is then passed to the scripts.
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public RateLimitConfig build() {
            Set<String> names = new HashSet<>();
            Set<String> policyNames = new HashSet<>();
            for (Rule r : rules) {
                if (!names.add(r.name())) {
                    throw new IllegalArgumentException("rule name '" + r.name() + "' is used twice");
                }
                for (Policy p : r.policies()) {
                    if (!policyNames.add(p.name())) {
                        throw new IllegalArgumentException("rule '" + r.name() + "': policy name '" + p.name()
                                + "' is already used by another rule");
                    }
                }
                if (r.key() == KeySource.CUSTOM && keyResolver == null) {
                    throw new IllegalArgumentException("rule '" + r.name() + "' is keyed 'by custom' but no keyResolver is configured");
                }
            }
            return new RateLimitConfig(this);
        }
    }
}
