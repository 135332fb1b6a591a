package io.github.redisfilters.cache;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.config.PathPattern;
import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.internal.config.InitParams;
import io.github.redisfilters.internal.config.Sizes;
import jakarta.servlet.FilterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable configuration of a {@link ResponseCacheFilter}. Build it in code with
 * {@link #builder()} or read it from init-params with {@link #fromInitParams(FilterConfig)}; both
 * end in the same validation, and every setter rejects bad values at once with a message naming
 * the parameter.
 *
 * <table>
 * <caption>Init-params (besides the shared Redis ones)</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>rules</td><td>{@code /** standard}</td><td>{@code ;}-separated {@code PATTERN MODE}: MODE is a TTL
 *     such as {@code 60s} (ttl mode, 1s to 366d) or {@code standard} (RFC 9111); the most specific pattern wins</td></tr>
 * <tr><td>invalidations</td><td>none</td><td>{@code ;}-separated {@code PATTERN -> TARGET[,TARGET]}: a
 *     successful unsafe request to PATTERN also purges each TARGET ({@code /x*} = prefix, {@code /x} = one URL)</td></tr>
 * <tr><td>failureMode</td><td>{@code open}</td><td>{@code open}: Redis down → origin, {@code X-Cache: BYPASS};
 *     {@code closed}: 503</td></tr>
 * <tr><td>maxEntrySize</td><td>{@code 1MB}</td><td>largest body stored; larger ones pass through unbuffered beyond it</td></tr>
 * <tr><td>cacheStatusHeader</td><td>{@code X-Cache}</td><td>name of the HIT/MISS/STALE/BYPASS header; {@code none} = off</td></tr>
 * <tr><td>tagHeader</td><td>{@code Cache-Tag}</td><td>response header naming tags (comma-separated); stripped before sending; {@code none} = off</td></tr>
 * <tr><td>shareAuthorized</td><td>{@code false}</td><td>let requests with {@code Authorization} or a session use the shared cache</td></tr>
 * <tr><td>sessionCookies</td><td>{@code JSESSIONID, SESSION}</td><td>cookie names that mark a request as having a
 *     session (the container's and RedisSessionFilter's); a requested session id counts too</td></tr>
 * <tr><td>generateEtag</td><td>{@code true}</td><td>give stored 200 responses without a validator a strong {@code ETag} (SHA-256 of the body)</td></tr>
 * <tr><td>coalesceMisses</td><td>{@code true}</td><td>concurrent misses for one URL render the origin once, across servers</td></tr>
 * <tr><td>lockTimeout</td><td>{@code 5s}</td><td>lifetime of the miss lock (an origin slower than this lets one more render start); 100ms to 1h</td></tr>
 * <tr><td>coalesceWait</td><td>{@code 2s}</td><td>longest a request waits for another server's render before going to the origin itself</td></tr>
 * <tr><td>grace</td><td>{@code 1h}</td><td>standard mode: how long a stale entry is kept beyond its freshness (and
 *     stale allowances) so it can be revalidated with its validators or stand in for an unreachable origin; 0s to 366d</td></tr>
 * <tr><td>hitForPass</td><td>{@code 10s}</td><td>after the origin answered a URL with something not storable, requests for it
 *     go straight to the origin (no miss lock, no waiting) for this long, unless one is stored meanwhile; 0s = off; up to 1h</td></tr>
 * <tr><td>staleWhileRevalidate</td><td>{@code 0s}</td><td>ttl mode: serve stale this long after expiry while one request refreshes</td></tr>
 * <tr><td>staleIfError</td><td>{@code 0s}</td><td>ttl mode: serve stale this long after expiry when the origin fails (5xx or exception)</td></tr>
 * <tr><td>sortQuery</td><td>{@code true}</td><td>sort query parameters by name in keys ({@code ?b=1&a=2} = {@code ?a=2&b=1})</td></tr>
 * <tr><td>ignoredQueryParameters</td><td>none</td><td>parameter names left out of keys; {@code utm_*} = prefix</td></tr>
 * </table>
 */
public final class ResponseCacheConfig {
    /** Longest lockTimeout and coalesceWait accepted (1 h). */
    static final Duration MAX_LOCK = Duration.ofHours(1);
    /** Longest staleWhileRevalidate and staleIfError accepted (366 d, as entry lifetimes). */
    static final Duration MAX_STALE = Duration.ofDays(366);
    /** Shortest and longest ttl of a ttl-mode rule (1 s to 366 d). */
    static final Duration MIN_TTL = Duration.ofSeconds(1), MAX_TTL = Duration.ofDays(366);
    /** Names of this filter's own init-params. */
    static final Set<String> OWN_PARAMETERS = Set.of("rules", "invalidations", "failureMode", "maxEntrySize",
            "cacheStatusHeader", "tagHeader", "shareAuthorized", "sessionCookies", "generateEtag", "coalesceMisses",
            "lockTimeout", "coalesceWait", "hitForPass", "grace", "staleWhileRevalidate", "staleIfError", "sortQuery",
            "ignoredQueryParameters", "retryAfter");

    /** What happens when Redis cannot be reached. */
    public enum FailureMode {
        /** Serve from the origin, with {@code X-Cache: BYPASS} (default). */
        OPEN,
        /** Answer 503 with {@code Retry-After} for requests the cache would have handled. */
        CLOSED
    }

    private final List<Rule> rules;
    private final List<Invalidation> invalidations;
    private final FailureMode failureMode;
    private final Duration retryAfter;
    private final long maxEntrySize;
    private final String cacheStatusHeader;
    private final String tagHeader;
    private final boolean shareAuthorized;
    private final List<String> sessionCookies;
    private final boolean generateEtag;
    private final boolean coalesceMisses;
    private final Duration lockTimeout;
    private final Duration coalesceWait;
    private final Duration hitForPass;
    private final Duration grace;
    private final Duration staleWhileRevalidate;
    private final Duration staleIfError;
    private final boolean sortQuery;
    private final List<String> ignoredQueryParameters;
    private final RedisSettings redisSettings;
    private final Clock clock;

    private ResponseCacheConfig(Builder b) {
        this.rules = List.copyOf(b.rules);
        this.invalidations = List.copyOf(b.invalidations);
        this.failureMode = b.failureMode;
        this.retryAfter = b.retryAfter;
        this.maxEntrySize = b.maxEntrySize;
        this.cacheStatusHeader = b.cacheStatusHeader;
        this.tagHeader = b.tagHeader;
        this.shareAuthorized = b.shareAuthorized;
        this.sessionCookies = List.copyOf(b.sessionCookies);
        this.generateEtag = b.generateEtag;
        this.coalesceMisses = b.coalesceMisses;
        this.lockTimeout = b.lockTimeout;
        this.coalesceWait = b.coalesceWait;
        this.hitForPass = b.hitForPass;
        this.grace = b.grace;
        this.staleWhileRevalidate = b.staleWhileRevalidate;
        this.staleIfError = b.staleIfError;
        this.sortQuery = b.sortQuery;
        this.ignoredQueryParameters = List.copyOf(b.ignoredQueryParameters);
        this.redisSettings = b.redisSettings;
        this.clock = b.clock;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every init-param name this filter accepts, including the shared Redis ones. */
    public static Set<String> parameterNames() {
        Set<String> all = new HashSet<>(OWN_PARAMETERS);
        all.addAll(RedisSettings.PARAMETER_NAMES);
        return all;
    }

    /**
     * Reads the filter's init-params (unknown names are rejected) and validates them.
     * Redis settings are resolved from init-param, context-param, environment and default.
     *
     * @throws ConfigException naming the filter, parameter, value and expected form
     */
    public static ResponseCacheConfig fromInitParams(FilterConfig filterConfig) throws ConfigException {
        InitParams p = InitParams.of(filterConfig, parameterNames());
        Builder b = builder();
        b.rules = p.get("rules", b.rules, "';'-separated 'PATTERN MODE' entries where MODE is a duration or "
                + "'standard', e.g. '/api/products/** 60s; /static/* standard'", Rule::parseList);
        b.invalidations = p.get("invalidations", b.invalidations, "';'-separated 'PATTERN -> TARGET[,TARGET]' "
                + "entries, e.g. '/api/products -> /api/products*'", Invalidation::parseList);
        // the reader only parses; every limit is the builder setter's (one place for all paths)
        p.apply("failureMode", InitParams.enumForm(FailureMode.class), b::failureMode)
                .apply("retryAfter", InitParams.DURATION, b::retryAfter)
                .apply("maxEntrySize", InitParams.SIZE, b::maxEntrySize)
                .apply("shareAuthorized", InitParams.BOOLEAN, b::shareAuthorized)
                .apply("generateEtag", InitParams.BOOLEAN, b::generateEtag)
                .apply("coalesceMisses", InitParams.BOOLEAN, b::coalesceMisses)
                .apply("lockTimeout", InitParams.DURATION, b::lockTimeout)
                .apply("coalesceWait", InitParams.DURATION, b::coalesceWait)
                .apply("hitForPass", InitParams.DURATION, b::hitForPass)
                .apply("grace", InitParams.DURATION, b::grace)
                .apply("staleWhileRevalidate", InitParams.DURATION, b::staleWhileRevalidate)
                .apply("staleIfError", InitParams.DURATION, b::staleIfError)
                .apply("sortQuery", InitParams.BOOLEAN, b::sortQuery);
        b.cacheStatusHeader(optionalName(p.string("cacheStatusHeader", b.cacheStatusHeader)));
        b.tagHeader(optionalName(p.string("tagHeader", b.tagHeader)));
        if (p.raw("sessionCookies").isPresent()) {
            b.sessionCookies(p.list("sessionCookies"));
        }
        b.ignoredQueryParameters(p.list("ignoredQueryParameters"));
        b.redisSettings(RedisSettings.forFilter(filterConfig, p));
        return p.validate(b::build);
    }

    /**
     * The one check of a stale allowance ({@code staleWhileRevalidate}, {@code staleIfError}): for
     * the builder setters, hence init-params, and for {@code @CacheResponse}.
     */
    static Duration checkStale(String name, Duration d) {
        return Durations.check(name, d, Duration.ZERO, MAX_STALE);
    }

    private static String optionalName(String v) {
        return v == null || v.equalsIgnoreCase("none") ? null : v;
    }

    public List<Rule> rules() { return rules; }
    public List<Invalidation> invalidations() { return invalidations; }
    public FailureMode failureMode() { return failureMode; }
    /** {@code Retry-After} of the 503 answered in failure mode {@code closed}; default 5 s. */
    public Duration retryAfter() { return retryAfter; }
    public long maxEntrySize() { return maxEntrySize; }
    /** Name of the cache status header, or null when off. */
    public String cacheStatusHeader() { return cacheStatusHeader; }
    /** Name of the tag header, or null when off. */
    public String tagHeader() { return tagHeader; }
    public boolean shareAuthorized() { return shareAuthorized; }
    public List<String> sessionCookies() { return sessionCookies; }
    public boolean generateEtag() { return generateEtag; }
    public boolean coalesceMisses() { return coalesceMisses; }
    public Duration lockTimeout() { return lockTimeout; }
    public Duration coalesceWait() { return coalesceWait; }
    /** How long an uncacheable answer sends followers straight to the origin (0 = off). */
    public Duration hitForPass() { return hitForPass; }
    /** Standard mode: how long stale entries are kept for revalidation and unreachable origins. */
    public Duration grace() { return grace; }
    public Duration staleWhileRevalidate() { return staleWhileRevalidate; }
    public Duration staleIfError() { return staleIfError; }
    public boolean sortQuery() { return sortQuery; }
    public List<String> ignoredQueryParameters() { return ignoredQueryParameters; }
    /** Explicit Redis settings, or null to resolve them from the context and environment at init. */
    public RedisSettings redisSettings() { return redisSettings; }
    public Clock clock() { return clock; }

    /** The rule for an application-relative path: the most specific matching pattern, or null. */
    Rule ruleFor(String path) {
        Rule best = null;
        for (Rule r : rules) {
            if (r.pattern().matches(path) && (best == null || r.pattern().specificity() > best.pattern().specificity())) {
                best = r;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "ResponseCacheConfig{rules=" + rules + ", invalidations=" + invalidations + ", failureMode="
                + failureMode.name().toLowerCase(Locale.ROOT) + ", retryAfter=" + Durations.format(retryAfter) + ", maxEntrySize=" + maxEntrySize
                + ", cacheStatusHeader=" + cacheStatusHeader + ", tagHeader=" + tagHeader + ", shareAuthorized="
                + shareAuthorized + ", sessionCookies=" + sessionCookies + ", generateEtag=" + generateEtag
                + ", coalesceMisses=" + coalesceMisses + ", lockTimeout=" + Durations.format(lockTimeout)
                + ", coalesceWait=" + Durations.format(coalesceWait) + ", hitForPass=" + Durations.format(hitForPass) + ", grace=" + Durations.format(grace)
                + ", staleWhileRevalidate="
                + Durations.format(staleWhileRevalidate) + ", staleIfError=" + Durations.format(staleIfError)
                + ", sortQuery=" + sortQuery + ", ignoredQueryParameters=" + ignoredQueryParameters + "}";
    }

    /**
     * One path rule: requests whose application-relative path matches {@link #pattern()} are
     * cached in {@link #mode()}; in {@link CacheMode#TTL} mode for {@link #ttl()}.
     */
    public static final class Rule {
        private final PathPattern pattern;
        private final CacheMode mode;
        private final Duration ttl;
        private final Duration staleWhileRevalidate;
        private final Duration staleIfError;

        private Rule(PathPattern pattern, CacheMode mode, Duration ttl, Duration swr, Duration sie) {
            this.pattern = pattern;
            this.mode = mode;
            this.ttl = ttl;
            this.staleWhileRevalidate = swr;
            this.staleIfError = sie;
        }

        /** Cache {@code GET} responses of {@code pattern} for {@code ttl} (1 second to 366 days). */
        public static Rule ttl(String pattern, Duration ttl) {
            return new Rule(parsePattern(pattern), CacheMode.TTL, checkTtl(ttl), null, null);
        }

        /** The one check of a ttl: path rules (init-param and {@link #ttl}) and {@code @CacheResponse}. */
        static Duration checkTtl(Duration ttl) {
            return Durations.check("ttl", Objects.requireNonNull(ttl, "ttl"), MIN_TTL, MAX_TTL);
        }

        /**
         * The rule of a servlet annotated {@code @CacheResponse}: every value goes through the check
         * a path rule or the builder applies ({@link #checkTtl}, {@link ResponseCacheConfig#checkStale});
         * a null stale allowance means the filter's.
         */
        static Rule forServlet(CacheMode mode, Duration ttl, Duration swr, Duration sie) {
            checkTtl(ttl);
            return new Rule(ALL, Objects.requireNonNull(mode, "mode"), mode == CacheMode.TTL ? ttl : Duration.ZERO,
                    swr == null ? null : checkStale("staleWhileRevalidate", swr),
                    sie == null ? null : checkStale("staleIfError", sie));
        }

        /** The rule of a servlet annotated {@code @NoCache} (a marker: never looked up nor stored). */
        static Rule excluded() {
            return new Rule(ALL, CacheMode.TTL, Duration.ZERO, null, null);
        }

        private static final PathPattern ALL = PathPattern.parse("/**");

        /** Cache {@code GET} responses of {@code pattern} as an RFC 9111 shared cache. */
        public static Rule standard(String pattern) {
            return new Rule(parsePattern(pattern), CacheMode.STANDARD, Duration.ZERO, null, null);
        }

        static List<Rule> parseList(String text) {
            List<Rule> out = new ArrayList<>();
            for (String entry : text.split("[;\\n]")) {
                String e = entry.trim();
                if (e.isEmpty()) {
                    continue;
                }
                String[] parts = e.split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("'" + e + "' is not 'PATTERN MODE'");
                }
                try {
                    out.add(parts[1].equalsIgnoreCase("standard") ? standard(parts[0])
                            : ttl(parts[0], Durations.parse(parts[1])));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("'" + e + "': " + ex.getMessage(), ex);
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no rule given");
            }
            return out;
        }

        public PathPattern pattern() { return pattern; }
        public CacheMode mode() { return mode; }
        /** TTL in {@link CacheMode#TTL} mode, zero in standard mode. */
        public Duration ttl() { return ttl; }

        Duration staleWhileRevalidateOr(Duration def) {
            return staleWhileRevalidate == null ? def : staleWhileRevalidate;
        }

        Duration staleIfErrorOr(Duration def) {
            return staleIfError == null ? def : staleIfError;
        }

        @Override
        public String toString() {
            return pattern + " " + (mode == CacheMode.STANDARD ? "standard" : Durations.format(ttl));
        }
    }

    /**
     * After a successful (2xx/3xx) unsafe request whose path matches {@link #trigger()}, purge
     * each target too: {@code /api/products*} purges every URL starting with {@code /api/products},
     * {@code /api/products} only that URL (without query).
     */
    public static final class Invalidation {
        private final PathPattern trigger;
        private final List<String> targets;

        private Invalidation(PathPattern trigger, List<String> targets) {
            this.trigger = trigger;
            this.targets = targets;
        }

        /** @param targets application-relative paths, a trailing {@code *} making a prefix */
        public static Invalidation of(String trigger, String... targets) {
            if (targets.length == 0) {
                throw new IllegalArgumentException("invalidations: '" + trigger + "' names no target");
            }
            for (String t : targets) {
                if (t == null || !t.startsWith("/") || t.indexOf('*') >= 0 && t.indexOf('*') != t.length() - 1) {
                    throw new IllegalArgumentException("invalidations: target '" + t
                            + "' is not an application path such as /api/products or a prefix such as /api/products*");
                }
            }
            return new Invalidation(parsePattern(trigger), List.of(targets));
        }

        static List<Invalidation> parseList(String text) {
            List<Invalidation> out = new ArrayList<>();
            for (String entry : text.split("[;\\n]")) {
                String e = entry.trim();
                if (e.isEmpty()) {
                    continue;
                }
                int arrow = e.indexOf("->");
                if (arrow < 0) {
                    throw new IllegalArgumentException("'" + e + "' is not 'PATTERN -> TARGET[,TARGET]'");
                }
                String[] targets = e.substring(arrow + 2).trim().split("[,\\s]+");
                out.add(of(e.substring(0, arrow).trim(), targets));
            }
            return out;
        }

        public PathPattern trigger() { return trigger; }
        public List<String> targets() { return targets; }

        @Override
        public String toString() {
            return trigger + " -> " + String.join(",", targets);
        }
    }

    private static PathPattern parsePattern(String pattern) {
        try {
            return PathPattern.parse(pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rules: " + e.getMessage(), e);
        }
    }

    /** Builds a {@link ResponseCacheConfig}; every setter validates its argument. */
    public static final class Builder {
        private List<Rule> rules = List.of(Rule.standard("/**"));
        private List<Invalidation> invalidations = List.of();
        private FailureMode failureMode = FailureMode.OPEN;
        private Duration retryAfter = Duration.ofSeconds(5);
        private long maxEntrySize = Sizes.parse("1MB");
        private String cacheStatusHeader = "X-Cache";
        private String tagHeader = "Cache-Tag";
        private boolean shareAuthorized;
        private List<String> sessionCookies = List.of("JSESSIONID", "SESSION");
        private boolean generateEtag = true;
        private boolean coalesceMisses = true;
        private Duration lockTimeout = Duration.ofSeconds(5);
        private Duration coalesceWait = Duration.ofSeconds(2);
        private Duration hitForPass = Duration.ofSeconds(10);
        private Duration grace = Duration.ofHours(1);
        private Duration staleWhileRevalidate = Duration.ZERO;
        private Duration staleIfError = Duration.ZERO;
        private boolean sortQuery = true;
        private List<String> ignoredQueryParameters = List.of();
        private RedisSettings redisSettings;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Path rules (default: {@code /** standard}); at least one. */
        public Builder rules(List<Rule> rules) {
            if (rules == null || rules.isEmpty() || rules.stream().anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("rules must name at least one rule");
            }
            this.rules = List.copyOf(rules);
            return this;
        }

        public Builder rules(Rule... rules) {
            return rules(java.util.Arrays.asList(rules));
        }

        /** Extra purges after unsafe requests (default: none). */
        public Builder invalidations(List<Invalidation> invalidations) {
            this.invalidations = List.copyOf(Objects.requireNonNull(invalidations, "invalidations"));
            return this;
        }

        public Builder invalidations(Invalidation... invalidations) {
            return invalidations(List.of(invalidations));
        }

        /** Default {@link FailureMode#OPEN}. */
        public Builder failureMode(FailureMode mode) {
            this.failureMode = Objects.requireNonNull(mode, "failureMode must not be null");
            return this;
        }

        /** {@code Retry-After} of the 503 in failure mode {@code closed}: one second to one day (default 5 s). */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = Durations.check("retryAfter", Objects.requireNonNull(retryAfter, "retryAfter"),
                    Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /** Largest stored body in bytes (default 1 MB); 0 stores only empty bodies. */
        public Builder maxEntrySize(long bytes) {
            if (bytes < 0 || bytes > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("maxEntrySize must be from 0 to " + (Integer.MAX_VALUE - 64)
                        + " bytes but was " + bytes);
            }
            this.maxEntrySize = bytes;
            return this;
        }

        /** Name of the HIT/MISS/STALE/BYPASS header (default {@code X-Cache}); null = off. */
        public Builder cacheStatusHeader(String name) {
            this.cacheStatusHeader = headerName("cacheStatusHeader", name);
            return this;
        }

        /** Name of the tag header (default {@code Cache-Tag}); null = tags off. */
        public Builder tagHeader(String name) {
            this.tagHeader = headerName("tagHeader", name);
            return this;
        }

        /** Share responses to requests with credentials or a session (default false). */
        public Builder shareAuthorized(boolean share) {
            this.shareAuthorized = share;
            return this;
        }

        /**
         * Cookie names marking a session (default {@code JSESSIONID, SESSION}: the container's and
         * the session filter's). A request whose {@code getRequestedSessionId()} is set counts too.
         */
        public Builder sessionCookies(List<String> names) {
            for (String n : names) {
                if (n == null || n.isBlank() || !n.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    throw new IllegalArgumentException("sessionCookies: '" + n + "' is not a cookie name");
                }
            }
            this.sessionCookies = List.copyOf(names);
            return this;
        }

        /** Strong ETag for stored 200 responses without validators (default true). */
        public Builder generateEtag(boolean generate) {
            this.generateEtag = generate;
            return this;
        }

        /** Coalesce concurrent misses across servers (default true). */
        public Builder coalesceMisses(boolean coalesce) {
            this.coalesceMisses = coalesce;
            return this;
        }

        /** Miss-lock lifetime, 100 ms to 1 h (default 5 s). */
        public Builder lockTimeout(Duration d) {
            this.lockTimeout = Durations.check("lockTimeout", d, Duration.ofMillis(100), MAX_LOCK);
            return this;
        }

        /** Longest wait for another render, 0 to 1 h and at most lockTimeout (default 2 s). */
        public Builder coalesceWait(Duration d) {
            this.coalesceWait = Durations.check("coalesceWait", d, Duration.ZERO, MAX_LOCK);
            return this;
        }

        /**
         * How long, after the origin answered a URL with something not storable, requests for it
         * skip the miss lock and go straight to the origin (a response that is storable again is
         * stored and ends it); 0 to 1 h (default 10 s, 0 = off).
         */
        public Builder hitForPass(Duration d) {
            this.hitForPass = Durations.check("hitForPass", d, Duration.ZERO, MAX_LOCK);
            return this;
        }

        /**
         * Standard mode: how long a stale entry stays in Redis beyond its freshness and stale
         * allowances, so that it can be revalidated ({@code If-None-Match}/{@code If-Modified-Since};
         * a 304 refreshes it) or served when the origin cannot be reached (unless it requires
         * revalidation); 0 to 366 d (default 1 h). TTL mode keeps entries for their TTL only.
         */
        public Builder grace(Duration d) {
            this.grace = Durations.check("grace", d, Duration.ZERO, MAX_STALE);
            return this;
        }

        /** TTL-mode stale-while-revalidate grace, up to 366 d (default 0 = off). */
        public Builder staleWhileRevalidate(Duration d) {
            this.staleWhileRevalidate = checkStale("staleWhileRevalidate", d);
            return this;
        }

        /** TTL-mode stale-if-error grace, up to 366 d (default 0 = off). */
        public Builder staleIfError(Duration d) {
            this.staleIfError = checkStale("staleIfError", d);
            return this;
        }

        /** Sort query parameters in keys (default true). */
        public Builder sortQuery(boolean sort) {
            this.sortQuery = sort;
            return this;
        }

        /** Query parameters left out of keys; a trailing {@code *} makes a prefix (default none). */
        public Builder ignoredQueryParameters(List<String> names) {
            for (String n : names) {
                if (n == null || n.isBlank() || n.indexOf('*') >= 0 && n.indexOf('*') != n.length() - 1) {
                    throw new IllegalArgumentException("ignoredQueryParameters: '" + n
                            + "' is not a parameter name or a prefix such as utm_*");
                }
            }
            this.ignoredQueryParameters = List.copyOf(names);
            return this;
        }

        /** Explicit Redis settings (default null: resolved from context-params and environment). */
        public Builder redisSettings(RedisSettings settings) {
            this.redisSettings = settings;
            return this;
        }

        /** Clock for freshness and ages (default {@link Clock#systemUTC()}). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        public ResponseCacheConfig build() {
            if (coalesceWait.compareTo(lockTimeout) > 0) {
                throw new IllegalArgumentException("coalesceWait (" + Durations.format(coalesceWait)
                        + ") must not exceed lockTimeout (" + Durations.format(lockTimeout) + ")");
            }
            return new ResponseCacheConfig(this);
        }

        private static String headerName(String param, String name) {
            if (name != null && !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException(param + ": '" + name + "' is not a header name (or 'none')");
            }
            return name;
        }
    }
}
