package io.github.redisfilters.jwt;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.internal.config.InitParams;
import jakarta.servlet.FilterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable configuration of a {@link JwtBlacklistFilter}. Build it in code with
 * {@link #builder()} or read it from init-params with {@link #fromInitParams(FilterConfig)}; both
 * end in the same validation.
 *
 * <table>
 * <caption>Init-params (besides the shared {@code redis*} connection parameters and {@code keyPrefix})</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>required</td><td>false</td><td>true: a request without a bearer token gets 401; false: it passes (the application decides)</td></tr>
 * <tr><td>cookieName</td><td>none</td><td>also read the token from this cookie when there is no {@code Authorization: Bearer} header</td></tr>
 * <tr><td>queryParameter</td><td>none (off)</td><td>also accept the token in this query parameter (RFC 6750 §2.3 {@code access_token}); off because URLs end up in logs</td></tr>
 * <tr><td>maxTokenSize</td><td>8KB</td><td>longer tokens are rejected with 401 without being parsed</td></tr>
 * <tr><td>clockSkew</td><td>60s</td><td>tolerance between issuer and server clocks: added to every blacklist TTL, and a token is expired only when {@code exp + clockSkew} is past</td></tr>
 * <tr><td>maxTokenLifetime</td><td>1d</td><td>the longest lifetime of any token the application issues; a subject watermark lives this long after its instant, and revoking a token without {@code exp} keeps its entry this long</td></tr>
 * <tr><td>failureMode</td><td>closed</td><td>when Redis cannot answer: {@code closed} = 503 + Retry-After for every request carrying a token; {@code open-safe-methods} = GET/HEAD/OPTIONS/TRACE pass, others 503; {@code open} = all pass</td></tr>
 * <tr><td>retryAfter</td><td>5s</td><td>value of {@code Retry-After} on the 503 (rounded up to whole seconds)</td></tr>
 * <tr><td>realm</td><td>none</td><td>{@code realm} of the {@code WWW-Authenticate: Bearer} challenge</td></tr>
 * <tr><td>verifierClass</td><td>none</td><td>a {@link TokenVerifier} class with a public no-arg constructor, run before the blacklist check</td></tr>
 * </table>
 */
public final class JwtBlacklistConfig {
    /** What the filter does with a request carrying a token while Redis cannot be asked. */
    public enum FailureMode {
        /** 503 with {@code Retry-After} (the default: a revoked token is never let through). */
        CLOSED,
        /** Safe methods (GET, HEAD, OPTIONS, TRACE) pass unchecked; all others get 503. */
        OPEN_SAFE_METHODS,
        /** Every request passes unchecked. */
        OPEN
    }

    /** Init-param names this filter understands (its own and the shared Redis ones). */
    public static final Set<String> PARAMETER_NAMES;

    static {
        Set<String> names = new HashSet<>(Set.of("required", "cookieName", "queryParameter", "maxTokenSize",
                "clockSkew", "maxTokenLifetime", "failureMode", "retryAfter", "realm", "verifierClass"));
        names.addAll(RedisSettings.PARAMETER_NAMES);
        PARAMETER_NAMES = Set.copyOf(names);
    }

    static final int MAX_TOKEN_SIZE_LIMIT = 64 * 1024;

    private final boolean required;
    private final String cookieName;
    private final String queryParameter;
    private final int maxTokenSize;
    private final Duration clockSkew;
    private final Duration maxTokenLifetime;
    private final FailureMode failureMode;
    private final Duration retryAfter;
    private final String realm;
    private final TokenVerifier verifier;
    private final RedisSettings redisSettings;
    private final Clock clock;

    private JwtBlacklistConfig(Builder b) {
        this.required = b.required;
        this.cookieName = b.cookieName;
        this.queryParameter = b.queryParameter;
        this.maxTokenSize = b.maxTokenSize;
        this.clockSkew = b.clockSkew;
        this.maxTokenLifetime = b.maxTokenLifetime;
        this.failureMode = b.failureMode;
        this.retryAfter = b.retryAfter;
        this.realm = b.realm;
        this.verifier = b.verifier;
        this.redisSettings = b.redisSettings;
        this.clock = b.clock;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static JwtBlacklistConfig defaults() {
        return builder().build();
    }

    /**
     * Reads the filter's init-params (rejecting unknown names) and validates them like
     * {@link Builder#build()}. Redis connection parameters given as init-params are resolved
     * together with the context-params and the environment; without any, the settings are
     * resolved when the filter starts.
     *
     * @throws ConfigException naming the filter, the parameter, the value and the expected form
     */
    public static JwtBlacklistConfig fromInitParams(FilterConfig filterConfig) throws ConfigException {
        InitParams p = InitParams.of(filterConfig, PARAMETER_NAMES);
        Builder b = builder();
        // The reader only parses; every limit is the builder setter's (one place for all three paths).
        p.apply("required", InitParams.BOOLEAN, b::required)
                .apply("cookieName", InitParams.STRING, b::cookieName)
                .apply("queryParameter", InitParams.STRING, b::queryParameter)
                .apply("maxTokenSize", InitParams.SIZE, v -> b.maxTokenSize(v > Integer.MAX_VALUE ? Integer.MAX_VALUE : v.intValue()))
                .apply("clockSkew", InitParams.DURATION, b::clockSkew)
                .apply("maxTokenLifetime", InitParams.DURATION, b::maxTokenLifetime)
                .apply("failureMode", InitParams.enumForm(FailureMode.class), b::failureMode)
                .apply("retryAfter", InitParams.DURATION, b::retryAfter)
                .apply("realm", InitParams.STRING, b::realm)
                .apply("verifierClass", InitParams.Form.of("the name of a class implementing " + TokenVerifier.class.getName()
                        + " with a public no-arg constructor", JwtBlacklistConfig::instantiate), b::verifier);
        boolean anyRedisParam = p.names().stream().anyMatch(RedisSettings.PARAMETER_NAMES::contains);
        b.redisSettings(anyRedisParam ? RedisSettings.forFilter(filterConfig, p) : null);
        return p.validate(b::build);
    }

    private static TokenVerifier instantiate(String className) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class<?> c = Class.forName(className, true, loader != null ? loader : JwtBlacklistConfig.class.getClassLoader());
            if (!TokenVerifier.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException(className + " does not implement TokenVerifier");
            }
            return (TokenVerifier) c.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class not found");
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("cannot instantiate: " + e);
        }
    }

    /** {@code required}: 401 for requests without a token. Default false. */
    public boolean required() { return required; }

    /** {@code cookieName}: cookie read when there is no header, or null (default). */
    public String cookieName() { return cookieName; }

    /** {@code queryParameter}: query parameter accepted as token source, or null (default: off). */
    public String queryParameter() { return queryParameter; }

    /** {@code maxTokenSize}: longest accepted token in characters. Default 8192. */
    public int maxTokenSize() { return maxTokenSize; }

    /** {@code clockSkew}: added to entry TTLs and to {@code exp} checks. Default 60 s. */
    public Duration clockSkew() { return clockSkew; }

    /** {@code maxTokenLifetime}: lifetime of watermarks after their instant. Default 1 day. */
    public Duration maxTokenLifetime() { return maxTokenLifetime; }

    /** {@code failureMode}. Default {@link FailureMode#CLOSED}. */
    public FailureMode failureMode() { return failureMode; }

    /** {@code retryAfter}: {@code Retry-After} of the 503. Default 5 s. */
    public Duration retryAfter() { return retryAfter; }

    /** {@code realm} of the challenge, or null (default). */
    public String realm() { return realm; }

    /** The signature verifier, or null (default: signatures are not verified by the filter). */
    public TokenVerifier verifier() { return verifier; }

    /** Explicit Redis settings, or null to resolve them from the context when the filter starts. */
    public RedisSettings redisSettings() { return redisSettings; }

    /** The clock used for expiry and TTL arithmetic. Default {@link Clock#systemUTC()}. */
    public Clock clock() { return clock; }

    @Override
    public String toString() {
        return "JwtBlacklistConfig{required=" + required
                + ", cookieName=" + cookieName
                + ", queryParameter=" + queryParameter
                + ", maxTokenSize=" + maxTokenSize
                + ", clockSkew=" + Durations.format(clockSkew)
                + ", maxTokenLifetime=" + Durations.format(maxTokenLifetime)
                + ", failureMode=" + failureMode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + ", retryAfter=" + Durations.format(retryAfter)
                + ", realm=" + realm
                + ", verifier=" + (verifier == null ? "none (signatures not verified by this filter)" : verifier.getClass().getName())
                + ", redisSettings=" + (redisSettings == null ? "from context" : redisSettings.describeTarget())
                + "}";
    }

    /** Builds a {@link JwtBlacklistConfig}; every setter validates its argument at once. */
    public static final class Builder {
        private boolean required;
        private String cookieName;
        private String queryParameter;
        private int maxTokenSize = 8192;
        private Duration clockSkew = Duration.ofSeconds(60);
        private Duration maxTokenLifetime = Duration.ofDays(1);
        private FailureMode failureMode = FailureMode.CLOSED;
        private Duration retryAfter = Duration.ofSeconds(5);
        private String realm;
        private TokenVerifier verifier;
        private RedisSettings redisSettings;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** See {@link JwtBlacklistConfig#required()}. */
        public Builder required(boolean required) {
            this.required = required;
            return this;
        }

        /** See {@link JwtBlacklistConfig#cookieName()}; null turns the cookie source off. */
        public Builder cookieName(String name) {
            this.cookieName = token("cookieName", name);
            return this;
        }

        /** See {@link JwtBlacklistConfig#queryParameter()}; null turns the query source off. */
        public Builder queryParameter(String name) {
            this.queryParameter = token("queryParameter", name);
            return this;
        }

        /** See {@link JwtBlacklistConfig#maxTokenSize()}: 64 to 65536 characters. */
        public Builder maxTokenSize(int size) {
            if (size < 64 || size > MAX_TOKEN_SIZE_LIMIT) {
                throw new IllegalArgumentException("maxTokenSize must be from 64 to " + MAX_TOKEN_SIZE_LIMIT
                        + " characters but was " + size);
            }
            this.maxTokenSize = size;
            return this;
        }

        /** See {@link JwtBlacklistConfig#clockSkew()}: zero to one hour. */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = Durations.check("clockSkew", Objects.requireNonNull(skew, "clockSkew"), Duration.ZERO,
                    Duration.ofHours(1));
            return this;
        }

        /** See {@link JwtBlacklistConfig#maxTokenLifetime()}: one second to 366 days. */
        public Builder maxTokenLifetime(Duration lifetime) {
            this.maxTokenLifetime = Durations.check("maxTokenLifetime", Objects.requireNonNull(lifetime, "maxTokenLifetime"),
                    Duration.ofSeconds(1), Duration.ofDays(366));
            return this;
        }

        /** See {@link JwtBlacklistConfig#failureMode()}. */
        public Builder failureMode(FailureMode mode) {
            this.failureMode = Objects.requireNonNull(mode, "failureMode");
            return this;
        }

        /** See {@link JwtBlacklistConfig#retryAfter()}: one second to one day. */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = Durations.check("retryAfter", Objects.requireNonNull(retryAfter, "retryAfter"),
                    Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /** See {@link JwtBlacklistConfig#realm()}: printable ASCII without {@code "} or {@code \}. */
        public Builder realm(String realm) {
            if (realm != null) {
                for (int i = 0; i < realm.length(); i++) {
                    char c = realm.charAt(i);
                    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                        throw new IllegalArgumentException("realm must be printable ASCII without '\"' or '\\'");
                    }
                }
            }
            this.realm = realm;
            return this;
        }

        /** See {@link TokenVerifier}; null (default) verifies nothing. */
        public Builder verifier(TokenVerifier verifier) {
            this.verifier = verifier;
            return this;
        }

        /** Explicit Redis settings; null (default) resolves them from the web application at start. */
        public Builder redisSettings(RedisSettings settings) {
            this.redisSettings = settings;
            return this;
        }

        /** The clock (tests); default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Validates the combination and builds. */
        public JwtBlacklistConfig build() {
            if (cookieName != null && cookieName.equals(queryParameter)) {
                // harmless, but almost certainly a copy-paste mistake
                throw new IllegalArgumentException("cookieName and queryParameter must differ");
            }
            return new JwtBlacklistConfig(this);
        }

        private static String token(String parameter, String value) {
            if (value == null) {
                return null;
            }
            if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw new IllegalArgumentException(parameter + " must be a non-empty token (letters, digits, - _ . etc.) but was '" + value + "'");
            }
            return value;
        }
    }
}
