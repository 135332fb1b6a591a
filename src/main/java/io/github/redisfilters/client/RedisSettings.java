package io.github.redisfilters.client;

import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.config.Durations;
import io.github.redisfilters.config.InitParams;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * How to reach Redis: one immutable value shared by every filter of a web application.
 *
 * <p>Sources, highest first: the builder (programmatic) &gt; the filter's init-param &gt; the
 * web application's context-param &gt; the environment ({@code REDIS_URL}, else
 * {@code REDIS_HOST}/{@code REDIS_PORT}/{@code REDIS_PASSWORD}) &gt; {@code redis://localhost:6379}.
 * Each parameter is resolved on its own, so a context-param URL can be combined with a per-filter
 * {@code keyPrefix}.
 *
 * <table>
 * <caption>Parameters (context-param or filter init-param)</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>redisUrl</td><td>env / redis://localhost:6379</td><td>{@code redis://[user[:password]@]host[:port][/db]}; {@code rediss://} for TLS</td></tr>
 * <tr><td>redisUser / redisPassword</td><td>from URL</td><td>ACL user and password (override the URL's)</td></tr>
 * <tr><td>redisDatabase</td><td>from URL, else 0</td><td>database index (standalone/Sentinel)</td></tr>
 * <tr><td>redisSentinelMaster</td><td>none</td><td>master name; turns on Sentinel mode</td></tr>
 * <tr><td>redisSentinelNodes</td><td>none</td><td>{@code host:port} list of sentinels</td></tr>
 * <tr><td>redisSentinelUser / redisSentinelPassword</td><td>none</td><td>credentials for the sentinels themselves</td></tr>
 * <tr><td>redisClusterNodes</td><td>none</td><td>{@code host:port} seed list; turns on Cluster mode</td></tr>
 * <tr><td>redisTls</td><td>false (true for rediss://)</td><td>use TLS</td></tr>
 * <tr><td>redisTrustStore / redisTrustStorePassword / redisTrustStoreType</td><td>JVM default / none / PKCS12</td><td>trust store for the server certificate</td></tr>
 * <tr><td>redisKeyStore / redisKeyStorePassword / redisKeyStoreType</td><td>none / none / PKCS12</td><td>client certificate for mutual TLS</td></tr>
 * <tr><td>redisVerifyHostname</td><td>true</td><td>check the server certificate's host name</td></tr>
 * <tr><td>redisPoolSize</td><td>64</td><td>maximum connections (per node on Cluster)</td></tr>
 * <tr><td>redisPoolMaxWait</td><td>200ms</td><td>longest wait for a free connection before the filter's failure mode applies (0 to 1h)</td></tr>
 * <tr><td>redisConnectTimeout</td><td>1s</td><td>TCP/TLS connect timeout (1ms to 1h)</td></tr>
 * <tr><td>redisSocketTimeout</td><td>1s</td><td>per-command read timeout (1ms to 1h)</td></tr>
 * <tr><td>redisClientName</td><td>redis-servlet-filters</td><td>{@code CLIENT SETNAME} value</td></tr>
 * <tr><td>redisFailureThreshold</td><td>3</td><td>consecutive failures that open the circuit breaker</td></tr>
 * <tr><td>redisRetryInterval</td><td>1s</td><td>while the breaker is open, how often one request probes Redis (10ms to 1h)</td></tr>
 * <tr><td>keyPrefix</td><td>rsf:</td><td>prefix of every key written (multi-tenant Redis)</td></tr>
 * </table>
 */
public final class RedisSettings {
    /** Longest pool wait, timeout and retry interval accepted (1 h): longer is a typo, and Jedis takes int milliseconds. */
    static final Duration MAX_WAIT = Duration.ofHours(1);
    /** Every parameter name understood here; filters accept these as init-params too. */
    public static final Set<String> PARAMETER_NAMES = Set.of("redisUrl", "redisUser", "redisPassword",
            "redisDatabase", "redisSentinelMaster", "redisSentinelNodes", "redisSentinelUser",
            "redisSentinelPassword", "redisClusterNodes", "redisTls", "redisTrustStore",
            "redisTrustStorePassword", "redisTrustStoreType", "redisKeyStore", "redisKeyStorePassword",
            "redisKeyStoreType", "redisVerifyHostname", "redisPoolSize", "redisPoolMaxWait",
            "redisConnectTimeout", "redisSocketTimeout", "redisClientName", "redisFailureThreshold",
            "redisRetryInterval", "keyPrefix", RequestBatch.PARAMETER);

    /** How the servers are arranged. */
    public enum Mode { STANDALONE, SENTINEL, CLUSTER }

    private final Mode mode;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final int database;
    private final String sentinelMaster;
    private final List<HostAndPort> sentinelNodes;
    private final String sentinelUser;
    private final String sentinelPassword;
    private final List<HostAndPort> clusterNodes;
    private final boolean tls;
    private final String trustStore;
    private final String trustStorePassword;
    private final String trustStoreType;
    private final String keyStore;
    private final String keyStorePassword;
    private final String keyStoreType;
    private final boolean verifyHostname;
    private final int poolSize;
    private final Duration poolMaxWait;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final String clientName;
    private final int failureThreshold;
    private final Duration retryInterval;
    private final String keyPrefix;
    private final UnifiedJedis externalClient;

    private RedisSettings(Builder b) {
        this.mode = b.clusterNodes.isEmpty() ? (b.sentinelMaster == null ? Mode.STANDALONE : Mode.SENTINEL) : Mode.CLUSTER;
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.password = b.password;
        this.database = b.database;
        this.sentinelMaster = b.sentinelMaster;
        this.sentinelNodes = List.copyOf(b.sentinelNodes);
        this.sentinelUser = b.sentinelUser;
        this.sentinelPassword = b.sentinelPassword;
        this.clusterNodes = List.copyOf(b.clusterNodes);
        this.tls = b.tls;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.keyStore = b.keyStore;
        this.keyStorePassword = b.keyStorePassword;
        this.keyStoreType = b.keyStoreType;
        this.verifyHostname = b.verifyHostname;
        this.poolSize = b.poolSize;
        this.poolMaxWait = b.poolMaxWait;
        this.connectTimeout = b.connectTimeout;
        this.socketTimeout = b.socketTimeout;
        this.clientName = b.clientName;
        this.failureThreshold = b.failureThreshold;
        this.retryInterval = b.retryInterval;
        this.keyPrefix = b.keyPrefix;
        this.externalClient = b.externalClient;
    }

    /** A builder starting from the defaults (not from the environment). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Resolves settings from a filter's init-params, the context-params and the environment.
     *
     * @param params  the filter's (already unknown-name-checked) init-params
     * @param context context-param lookup ({@code ServletContext::getInitParameter}), may return null
     * @param env     environment lookup ({@code System::getenv} in production)
     */
    public static RedisSettings resolve(InitParams params, Function<String, String> context,
            Function<String, String> env) throws ConfigException {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String name : PARAMETER_NAMES) {
            String v = params.raw(name).orElse(null);
            if (v == null && context != null) {
                v = context.apply(name);
            }
            if (v != null && !v.isBlank()) {
                merged.put(name, v);
            }
        }
        InitParams p = InitParams.of(params.component(), merged, PARAMETER_NAMES);
        Builder b = builder();
        String url = p.raw("redisUrl").orElse(null);
        if (url == null && env != null) {
            url = nonBlank(env.apply("REDIS_URL"));
            if (url == null && nonBlank(env.apply("REDIS_HOST")) != null) {
                String h = env.apply("REDIS_HOST").trim();
                String portText = nonBlank(env.apply("REDIS_PORT"));
                int envPort;
                try {
                    envPort = portText == null ? 6379 : Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    throw ConfigException.invalid("environment", "REDIS_PORT", portText, "a port number");
                }
                b.host(h).port(envPort);
                String pw = nonBlank(env.apply("REDIS_PASSWORD"));
                if (pw != null) {
                    b.password(pw);
                }
            }
        }
        if (url != null) {
            try {
                b.url(url);
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(p.component(), "redisUrl", RedisSettings.maskUrl(url),
                        "redis://[user[:password]@]host[:port][/db] or rediss://… (" + e.getMessage() + ")");
            }
        }
        p.raw("redisUser").ifPresent(b::user);
        p.raw("redisPassword").ifPresent(b::password);
        if (p.raw("redisDatabase").isPresent()) {
            b.database(p.integer("redisDatabase", 0, 0, 1_000_000));
        }
        p.raw("redisSentinelMaster").ifPresent(b::sentinelMaster);
        b.sentinelNodes(p.get("redisSentinelNodes", List.of(), "a comma-separated list of host:port",
                RedisSettings::hostsAndPorts));
        p.raw("redisSentinelUser").ifPresent(b::sentinelUser);
        p.raw("redisSentinelPassword").ifPresent(b::sentinelPassword);
        b.clusterNodes(p.get("redisClusterNodes", List.of(), "a comma-separated list of host:port",
                RedisSettings::hostsAndPorts));
        if (p.raw("redisTls").isPresent()) {
            b.tls(p.bool("redisTls", false));
        }
        p.raw("redisTrustStore").ifPresent(v -> b.trustStore(v, p.string("redisTrustStorePassword", null)));
        p.raw("redisTrustStoreType").ifPresent(b::trustStoreType);
        p.raw("redisKeyStore").ifPresent(v -> b.keyStore(v, p.string("redisKeyStorePassword", null)));
        p.raw("redisKeyStoreType").ifPresent(b::keyStoreType);
        b.verifyHostname(p.bool("redisVerifyHostname", true));
        b.poolSize(p.integer("redisPoolSize", b.poolSize, 1, 10_000));
        b.poolMaxWait(p.duration("redisPoolMaxWait", b.poolMaxWait, Duration.ZERO, MAX_WAIT));
        b.connectTimeout(p.duration("redisConnectTimeout", b.connectTimeout, Duration.ofMillis(1), MAX_WAIT));
        b.socketTimeout(p.duration("redisSocketTimeout", b.socketTimeout, Duration.ofMillis(1), MAX_WAIT));
        b.clientName(p.string("redisClientName", b.clientName));
        b.failureThreshold(p.integer("redisFailureThreshold", b.failureThreshold, 1, 1000));
        b.retryInterval(p.duration("redisRetryInterval", b.retryInterval, Duration.ofMillis(10), MAX_WAIT));
        b.keyPrefix(p.string("keyPrefix", b.keyPrefix));
        return p.validate(b::build);
    }

    /**
     * Resolves the settings for a filter from its init-params (which the filter has already read
     * with {@link InitParams}), the context-params and the process environment.
     */
    public static RedisSettings forFilter(jakarta.servlet.FilterConfig filterConfig, InitParams params)
            throws ConfigException {
        jakarta.servlet.ServletContext ctx = filterConfig.getServletContext();
        return resolve(params, ctx::getInitParameter, System::getenv);
    }

    /**
     * Resolves the settings from context-params and the environment only, for filters built in
     * code without explicit settings.
     */
    public static RedisSettings forContext(jakarta.servlet.ServletContext ctx, String component) throws ConfigException {
        return resolve(InitParams.of(component, Map.of(), PARAMETER_NAMES), ctx::getInitParameter, System::getenv);
    }

    private static List<HostAndPort> hostsAndPorts(String text) {
        List<HostAndPort> out = new ArrayList<>();
        for (String s : text.split("[,\\s]+")) {
            if (!s.isEmpty()) {
                out.add(hostAndPort(s));
            }
        }
        return out;
    }

    static HostAndPort hostAndPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("'" + s + "' is not host:port");
        }
        String h = s.substring(0, colon);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        int p;
        try {
            p = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' has no numeric port");
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("'" + s + "' has a port outside 1..65535");
        }
        return new HostAndPort(h, p);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Replaces the password (and user) of a Redis URL with {@code ***} for logging. */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return url;
        }
        return url.substring(0, scheme + 3) + "***@" + url.substring(at + 1);
    }

    public Mode mode() { return mode; }
    public String host() { return host; }
    public int port() { return port; }
    public String user() { return user; }
    /** The password; never log it. */
    public String password() { return password; }
    public int database() { return database; }
    public String sentinelMaster() { return sentinelMaster; }
    public List<HostAndPort> sentinelNodes() { return sentinelNodes; }
    public String sentinelUser() { return sentinelUser; }
    public String sentinelPassword() { return sentinelPassword; }
    public List<HostAndPort> clusterNodes() { return clusterNodes; }
    public boolean tls() { return tls; }
    public String trustStore() { return trustStore; }
    public String trustStorePassword() { return trustStorePassword; }
    public String trustStoreType() { return trustStoreType; }
    public String keyStore() { return keyStore; }
    public String keyStorePassword() { return keyStorePassword; }
    public String keyStoreType() { return keyStoreType; }
    public boolean verifyHostname() { return verifyHostname; }
    /** Maximum pooled connections (per node on Cluster); default 64. */
    public int poolSize() { return poolSize; }
    public Duration poolMaxWait() { return poolMaxWait; }
    public Duration connectTimeout() { return connectTimeout; }
    public Duration socketTimeout() { return socketTimeout; }
    public String clientName() { return clientName; }
    public int failureThreshold() { return failureThreshold; }
    public Duration retryInterval() { return retryInterval; }
    /** Prefix of every key; default {@code rsf:}. */
    public String keyPrefix() { return keyPrefix; }
    /** A client handed in by the application, or null. The library never closes it. */
    public UnifiedJedis externalClient() { return externalClient; }

    /** The settings that decide which connection pool to use (everything but the key prefix). */
    String connectionIdentity() {
        if (externalClient != null) {
            return "external@" + System.identityHashCode(externalClient);
        }
        return String.join("|", mode.name(), host, String.valueOf(port), String.valueOf(user),
                String.valueOf(password), String.valueOf(database), String.valueOf(sentinelMaster),
                sentinelNodes.toString(), String.valueOf(sentinelUser), String.valueOf(sentinelPassword),
                clusterNodes.toString(), String.valueOf(tls), String.valueOf(trustStore),
                String.valueOf(trustStorePassword), trustStoreType, String.valueOf(keyStore),
                String.valueOf(keyStorePassword), keyStoreType, String.valueOf(verifyHostname),
                String.valueOf(poolSize), poolMaxWait.toString(), connectTimeout.toString(),
                socketTimeout.toString(), clientName, String.valueOf(failureThreshold), retryInterval.toString());
    }

    /** Where Redis is, without secrets: e.g. {@code redis://localhost:6379/0}. */
    public String describeTarget() {
        String scheme = tls ? "rediss://" : "redis://";
        String who = user != null ? user + ":***@" : password != null ? "***@" : "";
        return switch (mode) {
            case STANDALONE -> scheme + who + host + ":" + port + "/" + database;
            case SENTINEL -> "sentinel " + sentinelMaster + "@" + sentinelNodes + " (" + scheme + who + "db " + database + ")";
            case CLUSTER -> "cluster " + clusterNodes + " (" + scheme + who + ")";
        };
    }

    /** Every setting, secrets masked. */
    @Override
    public String toString() {
        if (externalClient != null) {
            return "RedisSettings{client=application-supplied, keyPrefix='" + keyPrefix + "'}";
        }
        return "RedisSettings{target=" + describeTarget()
                + (trustStore != null ? ", trustStore=" + trustStore + ", trustStorePassword=" + mask(trustStorePassword) : "")
                + (keyStore != null ? ", keyStore=" + keyStore + ", keyStorePassword=" + mask(keyStorePassword) : "")
                + (sentinelPassword != null ? ", sentinelPassword=***" : "")
                + ", verifyHostname=" + verifyHostname + ", poolSize=" + poolSize
                + ", poolMaxWait=" + poolMaxWait.toMillis() + "ms, connectTimeout=" + connectTimeout.toMillis()
                + "ms, socketTimeout=" + socketTimeout.toMillis() + "ms, clientName=" + clientName
                + ", failureThreshold=" + failureThreshold + ", retryInterval=" + retryInterval.toMillis()
                + "ms, keyPrefix='" + keyPrefix + "'}";
    }

    private static String mask(String s) {
        return s == null ? "none" : "***";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisSettings r && r.connectionIdentity().equals(connectionIdentity())
                && r.keyPrefix.equals(keyPrefix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectionIdentity(), keyPrefix);
    }

    /** Builds {@link RedisSettings}; every setter validates at once. */
    public static final class Builder {
        private String host = "localhost";
        private int port = 6379;
        private String user;
        private String password;
        private int database;
        private String sentinelMaster;
        private List<HostAndPort> sentinelNodes = List.of();
        private String sentinelUser;
        private String sentinelPassword;
        private List<HostAndPort> clusterNodes = List.of();
        private boolean tls;
        private String trustStore;
        private String trustStorePassword;
        private String trustStoreType = "PKCS12";
        private String keyStore;
        private String keyStorePassword;
        private String keyStoreType = "PKCS12";
        private boolean verifyHostname = true;
        private int poolSize = 64;
        private Duration poolMaxWait = Duration.ofMillis(200);
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration socketTimeout = Duration.ofSeconds(1);
        private String clientName = "redis-servlet-filters";
        private int failureThreshold = 3;
        private Duration retryInterval = Duration.ofSeconds(1);
        private String keyPrefix = "rsf:";
        private UnifiedJedis externalClient;

        private Builder() {
        }

        /**
         * Sets host, port, credentials, database and TLS from a {@code redis://} or
         * {@code rediss://} URL. User and password may be percent-encoded.
         */
        public Builder url(String url) {
            URI uri;
            try {
                uri = new URI(url.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("redisUrl is not a valid URI");
            }
            String scheme = uri.getScheme();
            if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("redisUrl must start with redis:// or rediss://");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("redisUrl has no host");
            }
            this.tls = "rediss".equalsIgnoreCase(scheme);
            this.host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
            this.port = uri.getPort() == -1 ? 6379 : uri.getPort();
            String info = uri.getRawUserInfo();
            if (info != null && !info.isEmpty()) {
                int colon = info.indexOf(':');
                String u = colon < 0 ? info : info.substring(0, colon);
                String pw = colon < 0 ? null : info.substring(colon + 1);
                if (colon < 0) {
                    // redis://secret@host is the classic password-only form
                    this.password = decode(u);
                } else {
                    this.user = u.isEmpty() ? null : decode(u);
                    this.password = decode(pw);
                }
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                try {
                    this.database = Integer.parseInt(path.substring(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("redisUrl path must be a database number");
                }
            }
            return this;
        }

        private static String decode(String s) {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in 1..65535 but was " + port);
            }
            this.port = port;
            return this;
        }

        /** ACL user name. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder database(int database) {
            if (database < 0) {
                throw new IllegalArgumentException("redisDatabase must not be negative but was " + database);
            }
            this.database = database;
            return this;
        }

        /** Turns on Sentinel mode. */
        public Builder sentinelMaster(String name) {
            this.sentinelMaster = name;
            return this;
        }

        public Builder sentinelNodes(List<HostAndPort> nodes) {
            this.sentinelNodes = List.copyOf(nodes);
            return this;
        }

        public Builder sentinelUser(String user) {
            this.sentinelUser = user;
            return this;
        }

        public Builder sentinelPassword(String password) {
            this.sentinelPassword = password;
            return this;
        }

        /** Turns on Cluster mode with these seed nodes. */
        public Builder clusterNodes(List<HostAndPort> nodes) {
            this.clusterNodes = List.copyOf(nodes);
            return this;
        }

        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Trust store file (PKCS12 by default) holding the CA or server certificate. */
        public Builder trustStore(String path, String password) {
            this.trustStore = path;
            this.trustStorePassword = password;
            return this;
        }

        public Builder trustStoreType(String type) {
            this.trustStoreType = Objects.requireNonNull(type);
            return this;
        }

        /** Key store with the client certificate and key, for mutual TLS. */
        public Builder keyStore(String path, String password) {
            this.keyStore = path;
            this.keyStorePassword = password;
            return this;
        }

        public Builder keyStoreType(String type) {
            this.keyStoreType = Objects.requireNonNull(type);
            return this;
        }

        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        public Builder poolSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("redisPoolSize must be at least 1 but was " + size);
            }
            this.poolSize = size;
            return this;
        }

        public Builder poolMaxWait(Duration wait) {
            this.poolMaxWait = Durations.check("redisPoolMaxWait", wait, Duration.ZERO, MAX_WAIT);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Durations.check("redisConnectTimeout", timeout, Duration.ofMillis(1), MAX_WAIT);
            return this;
        }

        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = Durations.check("redisSocketTimeout", timeout, Duration.ofMillis(1), MAX_WAIT);
            return this;
        }

        public Builder clientName(String name) {
            if (name == null || name.isBlank() || name.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("redisClientName must be non-empty without spaces but was '" + name + "'");
            }
            this.clientName = name;
            return this;
        }

        public Builder failureThreshold(int failures) {
            if (failures < 1) {
                throw new IllegalArgumentException("redisFailureThreshold must be at least 1 but was " + failures);
            }
            this.failureThreshold = failures;
            return this;
        }

        public Builder retryInterval(Duration interval) {
            this.retryInterval = Durations.check("redisRetryInterval", interval, Duration.ofMillis(1), MAX_WAIT);
            return this;
        }

        /** Prefix of every key written; may be empty; at most 64 characters, no spaces. */
        public Builder keyPrefix(String prefix) {
            if (prefix == null || prefix.length() > 64 || prefix.chars().anyMatch(c -> c <= ' ' || c == 127)) {
                throw new IllegalArgumentException("keyPrefix must be at most 64 characters without spaces or control characters but was '" + prefix + "'");
            }
            this.keyPrefix = prefix;
            return this;
        }

        /** Uses an application-owned client instead of building one; the library never closes it. */
        public Builder client(UnifiedJedis client) {
            this.externalClient = client;
            return this;
        }

        public RedisSettings build() {
            if (sentinelMaster != null && sentinelNodes.isEmpty()) {
                throw new IllegalArgumentException("redisSentinelMaster is set but redisSentinelNodes is empty: list the sentinels as host:port");
            }
            if (sentinelMaster == null && !sentinelNodes.isEmpty()) {
                throw new IllegalArgumentException("redisSentinelNodes is set but redisSentinelMaster is not: name the monitored master");
            }
            if (sentinelMaster != null && !clusterNodes.isEmpty()) {
                throw new IllegalArgumentException("redisSentinelMaster and redisClusterNodes are both set: choose Sentinel or Cluster");
            }
            if (!clusterNodes.isEmpty() && database != 0) {
                throw new IllegalArgumentException("redisDatabase must be 0 on Redis Cluster but was " + database);
            }
            if (keyStore != null && !tls) {
                throw new IllegalArgumentException("redisKeyStore is set but TLS is off: use a rediss:// URL or redisTls=true");
            }
            return new RedisSettings(this);
        }
    }
}
