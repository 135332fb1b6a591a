package io.github.redisfilters.session;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.config.CidrRange;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.config.PathPattern;
import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.internal.config.InitParams;
import io.github.redisfilters.internal.web.TrustedProxies;
import jakarta.servlet.FilterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The immutable configuration of a {@link RedisSessionFilter}. Build it with {@link #builder()} or
 * read it from init-params with {@link #fromInitParams(FilterConfig)}; both end in the same
 * validation (each value's limits are checked once, in its builder setter).
 *
 * <table>
 * <caption>init-params</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code maxInactiveInterval}</td><td>{@code 30m}</td><td>idle time after which a session expires (Redis TTL); {@code 0} = never</td></tr>
 * <tr><td>{@code saveMode}</td><td>{@code on-set}</td><td>{@code on-set}, {@code on-get} or {@code always}</td></tr>
 * <tr><td>{@code locking}</td><td>{@code unsafe-methods}</td><td>which requests take the session's write lock: {@code unsafe-methods} (all but GET, HEAD, OPTIONS, TRACE), {@code all-methods} or {@code off} (see {@link Locking})</td></tr>
 * <tr><td>{@code lockWait}</td><td>{@code 5s}</td><td>longest wait for another request's lock before {@code 503}; 0s to 1m</td></tr>
 * <tr><td>{@code lockTimeout}</td><td>{@code 10s}</td><td>lifetime of a lock (a crashed server blocks a session at most this long); 1s to 1h</td></tr>
 * <tr><td>{@code maxLockWaiters}</td><td>{@code 16}</td><td>most requests of one session that wait for its lock on one server; more answer {@code 503} at once; 1 to 1000</td></tr>
 * <tr><td>{@code maxSessionSize}</td><td>{@code 256KB}</td><td>largest session (attribute names and encoded values) a save may leave; a save beyond it writes nothing and answers 413</td></tr>
 * <tr><td>{@code cookieName}</td><td>{@code SESSION}</td><td>name of the session cookie</td></tr>
 * <tr><td>{@code cookiePath}</td><td>context path, {@code /} for the root</td><td>cookie {@code Path}</td></tr>
 * <tr><td>{@code cookieDomain}</td><td>none</td><td>cookie {@code Domain}</td></tr>
 * <tr><td>{@code cookieSecure}</td><td>{@code auto}</td><td>{@code auto} (HTTPS, directly or as a trusted proxy reports it), {@code always}, {@code never}</td></tr>
 * <tr><td>{@code cookieSameSite}</td><td>{@code Lax}</td><td>{@code Lax}, {@code Strict}, {@code None} or {@code omit}</td></tr>
 * <tr><td>{@code cookieHttpOnly}</td><td>{@code true}</td><td>{@code HttpOnly} flag</td></tr>
 * <tr><td>{@code sessionIdHeader}</td><td>none</td><td>a request header carrying the session id for API clients (e.g. {@code X-Auth-Token}); off by default</td></tr>
 * <tr><td>{@code trustedProxies}</td><td>the context-param of that name, else none</td><td>proxies believed about the client's scheme ({@code X-Forwarded-Proto}, {@code Forwarded: proto=})</td></tr>
 * <tr><td>{@code codec}</td><td>{@code jdk}</td><td>{@code jdk}, {@code json}, or a {@link SessionAttributeCodec} class name</td></tr>
 * <tr><td>{@code allowedClasses}</td><td>none</td><td>extra package prefixes ({@code com.acme.}) or class names the codec may read</td></tr>
 * <tr><td>{@code unreadableAttribute}</td><td>{@code drop-attribute}</td><td>{@code drop-attribute} or {@code new-session}</td></tr>
 * <tr><td>{@code failureMode}</td><td>{@code closed}</td><td>{@code closed} or {@code open} (see {@link FailureMode}); {@code fail-closed}/{@code fail-open} are deprecated spellings</td></tr>
 * <tr><td>{@code retryAfter}</td><td>{@code 5s}</td><td>{@code Retry-After} of the 503 answered while Redis is down or a lock wait ran out</td></tr>
 * <tr><td>{@code principalAttribute}</td><td>none ({@code getUserPrincipal()})</td><td>session attribute naming the user, for the principal index</td></tr>
 * <tr><td>{@code excludedPaths}</td><td>none</td><td>path patterns that get no session at all</td></tr>
 * <tr><td>{@code touchFreePaths}</td><td>none</td><td>path patterns that read the session without extending it</td></tr>
 * </table>
 * plus the shared Redis parameters ({@code redisUrl}, …, {@code keyPrefix}).
 */
public final class RedisSessionConfig {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionConfig.class);

    /** When changed attributes are written. */
    public enum SaveMode {
        /** Only attributes passed to {@code setAttribute}/{@code removeAttribute} (default). */
        ON_SET,
        /** Also every attribute read with {@code getAttribute} (it may have been mutated in place). */
        ON_GET,
        /** Every attribute on every request that touched the session. */
        ALWAYS
    }

    /** What happens when a stored attribute can no longer be decoded (class changed or removed). */
    public enum UnreadableAttributePolicy {
        /** Remove that attribute from the session (in Redis too) and keep the rest (default). */
        DROP_ATTRIBUTE,
        /** Discard the whole session; the client starts a fresh one. */
        NEW_SESSION
    }

    /** When the {@code Secure} cookie flag is set. */
    public enum CookieSecure {
        /**
         * When the client used HTTPS: {@code request.isSecure()}, or a trusted proxy (see
         * {@code trustedProxies}) says so (default).
         */
        AUTO,
        /** Always. */
        ALWAYS,
        /** Never. */
        NEVER
    }

    /** What a request that needs its session gets while Redis is unavailable. */
    public enum FailureMode {
        /** 503 with {@code Retry-After} for any request that reads, creates or saves a session (default). */
        CLOSED,
        /**
         * A request whose session cannot be loaded sees no session ({@code getSession(false)} returns
         * null) so read-mostly pages still render; creating or saving a session still answers 503,
         * so no local session is ever forked.
         */
        OPEN
    }

    /**
     * Which requests read their session under its write lock. A locked request loads the session
     * only once no other locked request of the same session is between its load and its save, so
     * read-modify-write of one attribute (a cart) loses nothing; the lock is taken inside the load
     * and released inside the save (no extra round trip when requests do not overlap).
     */
    public enum Locking {
        /** Every method but the safe GET, HEAD, OPTIONS and TRACE (default). */
        UNSAFE_METHODS,
        /** Every request, GET included (parallel page loads of one user then run one at a time). */
        ALL_METHODS,
        /** No lock: concurrent writes of one attribute keep the last one. */
        OFF
    }

    /** The default {@code maxLockWaiters}: 16 requests of one session per server. */
    public static final int DEFAULT_MAX_LOCK_WAITERS = 16;

    /** The default {@code maxSessionSize}: 256 KB. */
    public static final long DEFAULT_MAX_SESSION_SIZE = 256 * 1024;

    static final Set<String> OWN_PARAMETERS = Set.of("maxInactiveInterval", "saveMode", "locking", "lockWait",
            "lockTimeout", "maxLockWaiters", "maxSessionSize", "cookieName", "cookiePath", "cookieDomain", "cookieSecure", "cookieSameSite",
            "cookieHttpOnly", "sessionIdHeader", TrustedProxies.PARAMETER, "codec", "allowedClasses",
            "unreadableAttribute", "failureMode", "retryAfter", "principalAttribute", "excludedPaths", "touchFreePaths");

    private final Duration maxInactiveInterval;
    private final SaveMode saveMode;
    private final Locking locking;
    private final Duration lockWait;
    private final Duration lockTimeout;
    private final int maxLockWaiters;
    private final long maxSessionSize;
    private final String cookieName;
    private final String cookiePath;
    private final String cookieDomain;
    private final CookieSecure cookieSecure;
    private final String cookieSameSite;
    private final boolean cookieHttpOnly;
    private final String sessionIdHeader;
    private final List<CidrRange> trustedProxies;
    private final String codecName;
    private final SessionAttributeCodec codec;
    private final List<String> allowedClasses;
    private final UnreadableAttributePolicy unreadableAttribute;
    private final FailureMode failureMode;
    private final Duration retryAfter;
    private final String principalAttribute;
    private final List<PathPattern> excludedPaths;
    private final List<PathPattern> touchFreePaths;
    private final RedisSettings redisSettings;
    private final Clock clock;

    private RedisSessionConfig(Builder b) {
        this.maxInactiveInterval = b.maxInactiveInterval;
        this.saveMode = b.saveMode;
        this.locking = b.locking;
        this.lockWait = b.lockWait;
        this.lockTimeout = b.lockTimeout;
        this.maxLockWaiters = b.maxLockWaiters;
        this.maxSessionSize = b.maxSessionSize;
        this.sessionIdHeader = b.sessionIdHeader;
        this.trustedProxies = b.trustedProxies;
        this.cookieName = b.cookieName;
        this.cookiePath = b.cookiePath;
        this.cookieDomain = b.cookieDomain;
        this.cookieSecure = b.cookieSecure;
        this.cookieSameSite = b.cookieSameSite;
        this.cookieHttpOnly = b.cookieHttpOnly;
        this.allowedClasses = List.copyOf(b.allowedClasses);
        this.codecName = b.codec != null ? b.codec.getClass().getName() : b.codecName;
        this.codec = b.codec != null ? b.codec : Codecs.named(b.codecName, allowedClasses, b.maxSessionSize);
        this.unreadableAttribute = b.unreadableAttribute;
        this.failureMode = b.failureMode;
        this.retryAfter = b.retryAfter;
        this.principalAttribute = b.principalAttribute;
        this.excludedPaths = List.copyOf(b.excludedPaths);
        this.touchFreePaths = List.copyOf(b.touchFreePaths);
        this.redisSettings = b.redisSettings;
        this.clock = b.clock;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every init-param name the filter accepts (its own and the shared Redis ones). */
    public static Set<String> parameterNames() {
        Set<String> all = new HashSet<>(OWN_PARAMETERS);
        all.addAll(RedisSettings.PARAMETER_NAMES);
        return Set.copyOf(all);
    }

    /**
     * Reads the filter's init-params (unknown names are rejected) and validates them like
     * {@link Builder#build()}.
     *
     * @throws ConfigException naming the filter, the parameter, the value and the expected form
     */
    public static RedisSessionConfig fromInitParams(FilterConfig filterConfig) throws ConfigException {
        InitParams p = InitParams.of(filterConfig, parameterNames());
        Builder b = builder();
        p.apply("maxInactiveInterval", InitParams.DURATION, b::maxInactiveInterval)
                .apply("saveMode", InitParams.enumForm(SaveMode.class), b::saveMode)
                .apply("locking", InitParams.enumForm(Locking.class), b::locking)
                .apply("lockWait", InitParams.DURATION, b::lockWait)
                .apply("lockTimeout", InitParams.DURATION, b::lockTimeout)
                .apply("maxLockWaiters", InitParams.INTEGER, b::maxLockWaiters)
                .apply("maxSessionSize", InitParams.SIZE, b::maxSessionSize)
                .apply("cookieName", InitParams.STRING, b::cookieName)
                .apply("cookiePath", InitParams.STRING, b::cookiePath)
                .apply("cookieDomain", InitParams.STRING, b::cookieDomain)
                .apply("cookieSecure", InitParams.enumForm(CookieSecure.class), b::cookieSecure)
                .apply("cookieSameSite", InitParams.STRING, b::cookieSameSite)
                .apply("cookieHttpOnly", InitParams.BOOLEAN, b::cookieHttpOnly)
                .apply("sessionIdHeader", InitParams.STRING, b::sessionIdHeader)
                .apply("codec", InitParams.STRING, b::codec)
                .apply("unreadableAttribute", InitParams.enumForm(UnreadableAttributePolicy.class), b::unreadableAttribute)
                .apply("failureMode", FAILURE_MODE, b::failureMode)
                .apply("retryAfter", InitParams.DURATION, b::retryAfter)
                .apply("principalAttribute", InitParams.STRING, b::principalAttribute);
        b.allowedClasses(p.list("allowedClasses"));
        b.excludedPaths(p.paths("excludedPaths", List.of()));
        b.touchFreePaths(p.paths("touchFreePaths", List.of()));
        b.trustedProxies(TrustedProxies.forFilter(filterConfig, p));
        b.redisSettings(RedisSettings.forFilter(filterConfig, p));
        return p.validate(b::build);
    }

    /**
     * {@code open} or {@code closed}; the spellings {@code fail-open} and {@code fail-closed} of
     * earlier versions are still read, with one deprecation WARN.
     */
    static final InitParams.Form<FailureMode> FAILURE_MODE = InitParams.Form.of("one of closed, open", s -> {
        String v = s.toLowerCase(Locale.ROOT);
        if (v.equals("fail-open") || v.equals("fail-closed")) {
            FailureMode m = v.equals("fail-open") ? FailureMode.OPEN : FailureMode.CLOSED;
            LOG.warn("session failureMode '{}' is deprecated and will not be read by the next release; write '{}'",
                    s, m.name().toLowerCase(Locale.ROOT));
            return m;
        }
        return InitParams.enumForm(FailureMode.class).parse(s);
    });

    /** Builds a {@link RedisSessionConfig}; every setter validates at once. */
    public static final class Builder {
        private Duration maxInactiveInterval = Duration.ofMinutes(30);
        private SaveMode saveMode = SaveMode.ON_SET;
        private Locking locking = Locking.UNSAFE_METHODS;
        private Duration lockWait = Duration.ofSeconds(5);
        private Duration lockTimeout = Duration.ofSeconds(10);
        private int maxLockWaiters = DEFAULT_MAX_LOCK_WAITERS;
        private long maxSessionSize = DEFAULT_MAX_SESSION_SIZE;
        private String sessionIdHeader;
        private List<CidrRange> trustedProxies;
        private String cookieName = "SESSION";
        private String cookiePath;
        private String cookieDomain;
        private CookieSecure cookieSecure = CookieSecure.AUTO;
        private String cookieSameSite = "Lax";
        private boolean cookieHttpOnly = true;
        private String codecName = "jdk";
        private SessionAttributeCodec codec;
        private List<String> allowedClasses = List.of();
        private UnreadableAttributePolicy unreadableAttribute = UnreadableAttributePolicy.DROP_ATTRIBUTE;
        private FailureMode failureMode = FailureMode.CLOSED;
        private Duration retryAfter = Duration.ofSeconds(5);
        private String principalAttribute;
        private List<PathPattern> excludedPaths = List.of();
        private List<PathPattern> touchFreePaths = List.of();
        private RedisSettings redisSettings;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Idle time after which a session expires, whole seconds; default 30 minutes; zero = never. */
        public Builder maxInactiveInterval(Duration d) {
            this.maxInactiveInterval = Durations.check("maxInactiveInterval", d, Duration.ZERO,
                    Duration.ofSeconds(Integer.MAX_VALUE));
            return this;
        }

        /** Default {@link SaveMode#ON_SET}. */
        public Builder saveMode(SaveMode mode) {
            this.saveMode = Objects.requireNonNull(mode, "saveMode");
            return this;
        }

        /** Which requests take the session's write lock; default {@link Locking#UNSAFE_METHODS}. */
        public Builder locking(Locking locking) {
            this.locking = Objects.requireNonNull(locking, "locking");
            return this;
        }

        /**
         * Longest time a locked request waits for another request's lock on the same session
         * before it answers 503 with {@code Retry-After}; 0s (do not wait) to 1m; default 5s.
         */
        public Builder lockWait(Duration d) {
            this.lockWait = Durations.check("lockWait", d, Duration.ZERO, Duration.ofMinutes(1));
            return this;
        }

        /**
         * Lifetime of a taken lock: a request that crashed (or a server that died) while holding
         * it blocks its session at most this long, and a request running longer loses its
         * exclusivity (its save still happens; counted as {@code lock.expired}); 1s to 1h; default 10s.
         */
        public Builder lockTimeout(Duration d) {
            this.lockTimeout = Durations.check("lockTimeout", d, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /**
         * Most requests of one session that wait for its lock at the same time on this server; one
         * more answers 503 with {@code Retry-After} at once instead of waiting. It bounds the
         * threads one session can keep waiting, and should exceed the requests of one user that
         * legitimately overlap (parallel adds to a cart); 1 to 1000; default 16.
         */
        public Builder maxLockWaiters(int n) {
            if (n < 1 || n > 1000) {
                throw new IllegalArgumentException("maxLockWaiters must be from 1 to 1000 but was " + n);
            }
            this.maxLockWaiters = n;
            return this;
        }

        /**
         * Largest session a save may leave in Redis, counting attribute names and encoded values,
         * in bytes; also the most one attribute's codec reads. A save that would exceed it writes
         * nothing (the stored session stays as it was) and the request answers 413. 1 KB to 64 MB;
         * default 256 KB.
         */
        public Builder maxSessionSize(long bytes) {
            if (bytes < 1024 || bytes > 64L * 1024 * 1024) {
                throw new IllegalArgumentException("maxSessionSize must be from 1KB to 64MB but was " + bytes + " bytes");
            }
            this.maxSessionSize = bytes;
            return this;
        }

        /**
         * A request header that may carry the session id instead of the cookie, for API clients
         * (e.g. {@code X-Auth-Token}); the response carries the id in the same header whenever it
         * is new or changed (empty when the session ended). Default none (cookie only).
         */
        public Builder sessionIdHeader(String header) {
            if (header != null && !header.isBlank() && !header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new IllegalArgumentException("sessionIdHeader must be a header name (letters, digits, !#$%&'*+-.^_`|~), got '"
                        + header + "'");
            }
            this.sessionIdHeader = header == null || header.isBlank() ? null : header;
            return this;
        }

        /**
         * Proxies believed when they say the client used HTTPS; default null = the context-param
         * {@code trustedProxies} (see {@link TrustedProxies}), read when the filter starts.
         */
        public Builder trustedProxies(List<CidrRange> ranges) {
            this.trustedProxies = ranges == null ? null : List.copyOf(ranges);
            return this;
        }

        /** Default {@code SESSION}; letters, digits and {@code !#$%&'*+-.^_`|~} only. */
        public Builder cookieName(String name) {
            this.cookieName = name;
            return this;
        }

        /** Default: the context path ({@code /} for the root context). */
        public Builder cookiePath(String path) {
            this.cookiePath = path;
            return this;
        }

        /** Default: none (host-only cookie). */
        public Builder cookieDomain(String domain) {
            this.cookieDomain = domain;
            return this;
        }

        /** Default {@link CookieSecure#AUTO}. */
        public Builder cookieSecure(CookieSecure secure) {
            this.cookieSecure = Objects.requireNonNull(secure, "cookieSecure");
            return this;
        }

        /** {@code Lax} (default), {@code Strict}, {@code None} (forces {@code Secure}) or {@code omit}. */
        public Builder cookieSameSite(String sameSite) {
            this.cookieSameSite = sameSite;
            return this;
        }

        /** Default true. */
        public Builder cookieHttpOnly(boolean httpOnly) {
            this.cookieHttpOnly = httpOnly;
            return this;
        }

        /** {@code jdk} (default), {@code json} or the class name of a {@link SessionAttributeCodec}. */
        public Builder codec(String name) {
            this.codecName = name;
            this.codec = null;
            return this;
        }

        /** A codec instance (programmatic registration). */
        public Builder codec(SessionAttributeCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * Package prefixes ending in {@code .} ({@code com.acme.}) or class names the built-in codecs
         * may instantiate, besides {@code java.lang}, {@code java.util}, {@code java.time} and
         * {@code java.math}.
         */
        public Builder allowedClasses(List<String> classes) {
            this.allowedClasses = List.copyOf(classes);
            return this;
        }

        /** Default {@link UnreadableAttributePolicy#DROP_ATTRIBUTE}. */
        public Builder unreadableAttribute(UnreadableAttributePolicy policy) {
            this.unreadableAttribute = Objects.requireNonNull(policy, "unreadableAttribute");
            return this;
        }

        /** Default {@link FailureMode#CLOSED}. */
        public Builder failureMode(FailureMode mode) {
            this.failureMode = Objects.requireNonNull(mode, "failureMode");
            return this;
        }

        /** {@code Retry-After} of the 503 while Redis is down; whole seconds, 1s to 1d; default 5s. */
        public Builder retryAfter(Duration d) {
            this.retryAfter = Durations.check("retryAfter", d, Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Session attribute whose value ({@code toString()}) names the user for the principal index;
         * default none, then {@code request.getUserPrincipal().getName()} is used.
         */
        public Builder principalAttribute(String name) {
            this.principalAttribute = name == null || name.isBlank() ? null : name;
            return this;
        }

        /** Paths that get no session at all ({@code getSession} returns null); default none. */
        public Builder excludedPaths(List<PathPattern> paths) {
            this.excludedPaths = List.copyOf(paths);
            return this;
        }

        /** Paths that read the session without extending its expiry; default none. */
        public Builder touchFreePaths(List<PathPattern> paths) {
            this.touchFreePaths = List.copyOf(paths);
            return this;
        }

        /** Explicit Redis settings; default null = resolve from context-params and the environment. */
        public Builder redisSettings(RedisSettings settings) {
            this.redisSettings = settings;
            return this;
        }

        /** Clock for creation and access times; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the bad option
         */
        public RedisSessionConfig build() {
            if (cookieName == null || !cookieName.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new IllegalArgumentException("cookieName must be a cookie token (letters, digits, !#$%&'*+-.^_`|~), got '" + cookieName + "'");
            }
            if (cookiePath != null && !cookiePath.startsWith("/")) {
                throw new IllegalArgumentException("cookiePath must start with '/', got '" + cookiePath + "'");
            }
            if (cookiePath != null && cookiePath.matches(".*[;,\\s].*") || cookieDomain != null && cookieDomain.matches(".*[;,\\s].*")) {
                throw new IllegalArgumentException("cookiePath and cookieDomain must not contain ';', ',' or spaces");
            }
            String ss = cookieSameSite == null ? "omit" : cookieSameSite.toLowerCase(Locale.ROOT);
            switch (ss) {
                case "lax" -> cookieSameSite = "Lax";
                case "strict" -> cookieSameSite = "Strict";
                case "none" -> cookieSameSite = "None";
                case "omit" -> cookieSameSite = null;
                default -> throw new IllegalArgumentException("cookieSameSite must be Lax, Strict, None or omit, got '" + cookieSameSite + "'");
            }
            for (String c : allowedClasses) {
                if (!c.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*\\.?")) {
                    throw new IllegalArgumentException("allowedClasses entries must be package prefixes like com.acme. or class names, got '" + c + "'");
                }
            }
            if (codec == null) {
                Codecs.named(codecName, allowedClasses, maxSessionSize); // fails early with a clear message
            }
            return new RedisSessionConfig(this);
        }
    }

    public Duration maxInactiveInterval() { return maxInactiveInterval; }
    public SaveMode saveMode() { return saveMode; }
    public Locking locking() { return locking; }
    public Duration lockWait() { return lockWait; }
    public Duration lockTimeout() { return lockTimeout; }
    public int maxLockWaiters() { return maxLockWaiters; }
    public long maxSessionSize() { return maxSessionSize; }
    /** Null when off. */
    public String sessionIdHeader() { return sessionIdHeader; }
    /** Null = the context-param {@code trustedProxies}. */
    public List<CidrRange> trustedProxies() { return trustedProxies; }
    public String cookieName() { return cookieName; }
    /** Null = the context path. */
    public String cookiePath() { return cookiePath; }
    public String cookieDomain() { return cookieDomain; }
    public CookieSecure cookieSecure() { return cookieSecure; }
    /** Null when omitted. */
    public String cookieSameSite() { return cookieSameSite; }
    public boolean cookieHttpOnly() { return cookieHttpOnly; }
    public SessionAttributeCodec codec() { return codec; }
    public List<String> allowedClasses() { return allowedClasses; }
    public UnreadableAttributePolicy unreadableAttribute() { return unreadableAttribute; }
    public FailureMode failureMode() { return failureMode; }
    public Duration retryAfter() { return retryAfter; }
    /** Null = {@code request.getUserPrincipal()}. */
    public String principalAttribute() { return principalAttribute; }
    public List<PathPattern> excludedPaths() { return excludedPaths; }
    public List<PathPattern> touchFreePaths() { return touchFreePaths; }
    /** Null = resolved at init from context-params and the environment. */
    public RedisSettings redisSettings() { return redisSettings; }
    public Clock clock() { return clock; }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("maxInactiveInterval=" + Durations.format(maxInactiveInterval));
        parts.add("saveMode=" + saveMode.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        parts.add("locking=" + locking.name().toLowerCase(Locale.ROOT).replace('_', '-') + "(wait=" + Durations.format(lockWait)
                + ", timeout=" + Durations.format(lockTimeout) + ", waiters=" + maxLockWaiters + ")");
        parts.add("maxSessionSize=" + maxSessionSize);
        parts.add("sessionIdHeader=" + (sessionIdHeader == null ? "<off>" : sessionIdHeader));
        parts.add("trustedProxies=" + (trustedProxies == null ? "<context>" : trustedProxies));
        parts.add("cookie=" + cookieName + "(path=" + (cookiePath == null ? "<context>" : cookiePath)
                + (cookieDomain == null ? "" : ", domain=" + cookieDomain) + ", secure=" + cookieSecure.name().toLowerCase(Locale.ROOT)
                + ", sameSite=" + (cookieSameSite == null ? "omit" : cookieSameSite) + ", httpOnly=" + cookieHttpOnly + ")");
        parts.add("codec=" + codecName);
        parts.add("allowedClasses=" + allowedClasses);
        parts.add("unreadableAttribute=" + unreadableAttribute.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        parts.add("failureMode=" + failureMode.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        parts.add("retryAfter=" + Durations.format(retryAfter));
        parts.add("principalAttribute=" + (principalAttribute == null ? "<userPrincipal>" : principalAttribute));
        parts.add("excludedPaths=" + excludedPaths);
        parts.add("touchFreePaths=" + touchFreePaths);
        return "RedisSessionConfig{" + String.join(", ", parts) + "}";
    }
}
