package io.github.redisfilters.client;

import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.config.Durations;
import io.github.redisfilters.internal.config.InitParams.Form;
import io.github.redisfilters.internal.config.InitParams;
import jakarta.servlet.ServletContext;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * How to reach Redis: one immutable value shared by every filter of a web application.
 *
 * <p>Sources, highest first: the builder (programmatic) &gt; the filter's init-param &gt; the
 * web application's context-param &gt; the environment &gt; {@code redis://localhost:6379}. Every
 * {@code redis*} parameter has an environment variable named by {@link #environmentName}
 * ({@code REDIS_URL}, {@code REDIS_PASSWORD}, {@code REDIS_SENTINEL_NODES}, …); without a URL from
 * any source, {@code REDIS_HOST} and {@code REDIS_PORT} name the server. Each parameter is resolved
 * on its own, so a context-param URL can be combined with a per-filter {@code keyPrefix}, and a
 * password can stay in the environment while the rest is in {@code web.xml}. Context-params that
 * look like misspelt {@code redis*} parameters stop the start ({@link #checkContextParams}).
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

    private static final Logger LOG = LoggerFactory.getLogger(RedisSettings.class);
    /** Context attribute set once the foreign {@code redis*} context-params have been reported. */
    private static final String FOREIGN_PARAMS_WARNED = RedisSettings.class.getName() + ".foreignParamsWarned";

    /** How the servers are arranged. */
    public enum Mode {
        /** One server (or a managed endpoint) at {@code host:port}. */
        STANDALONE,
        /** The master that the sentinels name, followed across failovers. */
        SENTINEL,
        /** Redis Cluster, found from seed nodes. */
        CLUSTER
    }

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
     * <p>Internal: for the library's filters, not API ({@code InitParams} is in
     * {@code io.github.redisfilters.internal.config}); it may change in any release. Applications use
     * {@link #builder()} or {@link #forContext(ServletContext, String)}.
     *
     * @param params  the filter's (already unknown-name-checked) init-params
     * @param context context-param lookup ({@code ServletContext::getInitParameter}), may return null
     * @param env     environment lookup ({@code System::getenv} in production)
     */
    public static RedisSettings resolve(InitParams params, Function<String, String> context,
            Function<String, String> env) throws ConfigException {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> fromEnvironment = new LinkedHashMap<>();
        for (String name : PARAMETER_NAMES) {
            String v = params.raw(name).orElse(null);
            if (v == null && context != null) {
                v = nonBlank(context.apply(name));
            }
            if (v == null && env != null && name.startsWith("redis")) {
                v = nonBlank(env.apply(environmentName(name)));
                if (v != null) {
                    fromEnvironment.put(name, environmentName(name));
                }
            }
            if (v != null) {
                merged.put(name, v);
            }
        }
        try {
            return read(InitParams.of(params.component(), merged, PARAMETER_NAMES), env);
        } catch (ConfigException e) {
            // name the variable to fix: an operator looks for redisPoolSize in web.xml, not in the environment
            for (Map.Entry<String, String> v : fromEnvironment.entrySet()) {
                if (e.getMessage().contains("parameter '" + v.getKey() + "'")) {
                    throw new ConfigException(e.getMessage() + " (set by the environment variable " + v.getValue() + ")", e);
                }
            }
            throw e;
        }
    }

    /**
     * The environment variable that supplies a {@code redis*} parameter when neither an init-param
     * nor a context-param does: {@code REDIS_} and the rest of the name in upper snake case
     * ({@code redisUrl} &rarr; {@code REDIS_URL}, {@code redisSentinelNodes} &rarr;
     * {@code REDIS_SENTINEL_NODES}).
     */
    public static String environmentName(String parameter) {
        return parameter.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    private static RedisSettings read(InitParams p, Function<String, String> env) throws ConfigException {
        Builder b = builder();
        String url = p.raw("redisUrl").orElse(null);
        if (url == null && env != null && nonBlank(env.apply("REDIS_HOST")) != null) {
            // the older REDIS_HOST / REDIS_PORT pair, used only when no URL is given anywhere
            String portText = nonBlank(env.apply("REDIS_PORT"));
            try {
                b.host(env.apply("REDIS_HOST").trim()).port(portText == null ? 6379 : Integer.parseInt(portText));
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid("environment", "REDIS_PORT", portText, "a port number from 1 to 65535");
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
        Form<List<HostAndPort>> hosts = Form.of("a comma-separated list of host:port", RedisSettings::hostsAndPorts);
        p.apply("redisUser", InitParams.STRING, b::user)
                .apply("redisPassword", InitParams.STRING, b::password)
                .apply("redisDatabase", InitParams.INTEGER, b::database)
                .apply("redisSentinelMaster", InitParams.STRING, b::sentinelMaster)
                .apply("redisSentinelNodes", hosts, b::sentinelNodes)
                .apply("redisSentinelUser", InitParams.STRING, b::sentinelUser)
                .apply("redisSentinelPassword", InitParams.STRING, b::sentinelPassword)
                .apply("redisClusterNodes", hosts, b::clusterNodes)
                .apply("redisTls", InitParams.BOOLEAN, b::tls)
                .apply("redisTrustStore", InitParams.STRING, v -> b.trustStore(v, p.string("redisTrustStorePassword", null)))
                .apply("redisTrustStoreType", InitParams.STRING, b::trustStoreType)
                .apply("redisKeyStore", InitParams.STRING, v -> b.keyStore(v, p.string("redisKeyStorePassword", null)))
                .apply("redisKeyStoreType", InitParams.STRING, b::keyStoreType)
                .apply("redisVerifyHostname", InitParams.BOOLEAN, b::verifyHostname)
                .apply("redisPoolSize", InitParams.INTEGER, b::poolSize)
                .apply("redisPoolMaxWait", InitParams.DURATION, b::poolMaxWait)
                .apply("redisConnectTimeout", InitParams.DURATION, b::connectTimeout)
                .apply("redisSocketTimeout", InitParams.DURATION, b::socketTimeout)
                .apply("redisClientName", InitParams.STRING, b::clientName)
                .apply("redisFailureThreshold", InitParams.INTEGER, b::failureThreshold)
                .apply("redisRetryInterval", InitParams.DURATION, b::retryInterval)
                .apply("keyPrefix", InitParams.STRING, b::keyPrefix);
        return p.validate(b::build);
    }

    /**
     * Resolves the settings for a filter from its init-params (which the filter has already read
     * with {@link InitParams}), the context-params and the process environment.
     *
     * <p>Internal: for the library's filters, not API ({@code InitParams} is in
     * {@code io.github.redisfilters.internal.config}); it may change in any release.
     */
    public static RedisSettings forFilter(jakarta.servlet.FilterConfig filterConfig, InitParams params)
            throws ConfigException {
        ServletContext ctx = filterConfig.getServletContext();
        checkContextParams(ctx);
        return resolve(params, ctx::getInitParameter, System::getenv);
    }

    /**
     * Resolves the settings from context-params and the environment only, for filters built in
     * code without explicit settings.
     */
    public static RedisSettings forContext(ServletContext ctx, String component) throws ConfigException {
        checkContextParams(ctx);
        return resolve(InitParams.of(component, Map.of(), PARAMETER_NAMES), ctx::getInitParameter, System::getenv);
    }

    /**
     * Checks the context-params whose names start with {@code redis} (any case). A name within
     * {@link InitParams#TYPO_DISTANCE} edits of a known parameter ({@code redisPoolSzie},
     * {@code redisURL}) is a misspelling that would otherwise be silently ignored: it fails with a
     * {@link ConfigException} naming the parameter meant. Any other {@code redis*} name may belong
     * to the application or another library (an application's own {@code redisHost}, say), so it
     * only gets one WARN per application naming the nearest known parameter.
     */
    public static void checkContextParams(ServletContext ctx) throws ConfigException {
        java.util.Enumeration<String> names = ctx.getInitParameterNames();
        List<String> foreign = new ArrayList<>();
        while (names != null && names.hasMoreElements()) {
            String n = names.nextElement();
            if (!n.regionMatches(true, 0, "redis", 0, 5) || PARAMETER_NAMES.contains(n)) {
                continue;
            }
            String nearest = InitParams.nearest(n, PARAMETER_NAMES);
            if (InitParams.isTypoOf(n, nearest)) {
                throw new ConfigException("context-param '" + n + "' is not a redis-servlet-filters parameter"
                        + " (did you mean '" + nearest + "'?); known parameters are " + new java.util.TreeSet<>(PARAMETER_NAMES));
            }
            foreign.add(n);
        }
        if (!foreign.isEmpty() && ctx.getAttribute(FOREIGN_PARAMS_WARNED) == null) {
            ctx.setAttribute(FOREIGN_PARAMS_WARNED, Boolean.TRUE);
            for (String n : foreign) {
                LOG.warn("context-param '{}' is not a redis-servlet-filters parameter and is ignored by the filters"
                        + " (nearest known parameter: '{}')", n, InitParams.nearest(n, PARAMETER_NAMES));
            }
        }
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

    /** How the servers are arranged (from the Sentinel and Cluster settings). */
    public Mode mode() { return mode; }
    /** Host of a standalone server; default {@code localhost}. */
    public String host() { return host; }
    /** Port of a standalone server; default 6379. */
    public int port() { return port; }
    /** ACL user name, or null for the default user. */
    public String user() { return user; }
    /** The password; never log it. */
    public String password() { return password; }
    /** Database index (standalone and Sentinel); default 0. */
    public int database() { return database; }
    /** Name of the master the sentinels monitor, or null when not in Sentinel mode. */
    public String sentinelMaster() { return sentinelMaster; }
    /** The sentinels, empty when not in Sentinel mode. */
    public List<HostAndPort> sentinelNodes() { return sentinelNodes; }
    /** ACL user for the sentinels themselves, or null. */
    public String sentinelUser() { return sentinelUser; }
    /** Password for the sentinels themselves, or null; never log it. */
    public String sentinelPassword() { return sentinelPassword; }
    /** Cluster seed nodes, empty when not in Cluster mode. */
    public List<HostAndPort> clusterNodes() { return clusterNodes; }
    /** Whether connections use TLS; default false ({@code rediss://} turns it on). */
    public boolean tls() { return tls; }
    /** Trust store file for the server certificate, or null for the JVM default. */
    public String trustStore() { return trustStore; }
    /** Password of the trust store, or null; never log it. */
    public String trustStorePassword() { return trustStorePassword; }
    /** Type of the trust store; default {@code PKCS12}. */
    public String trustStoreType() { return trustStoreType; }
    /** Key store with the client certificate (mutual TLS), or null. */
    public String keyStore() { return keyStore; }
    /** Password of the key store, or null; never log it. */
    public String keyStorePassword() { return keyStorePassword; }
    /** Type of the key store; default {@code PKCS12}. */
    public String keyStoreType() { return keyStoreType; }
    /** Whether the server certificate must match the host name; default true. */
    public boolean verifyHostname() { return verifyHostname; }
    /** Maximum pooled connections (per node on Cluster); default 64. */
    public int poolSize() { return poolSize; }
    /** Longest wait for a free pooled connection; default 200 ms. */
    public Duration poolMaxWait() { return poolMaxWait; }
    /** Connect (and TLS handshake) timeout; default 1 s. */
    public Duration connectTimeout() { return connectTimeout; }
    /** Per-command read timeout; default 1 s. */
    public Duration socketTimeout() { return socketTimeout; }
    /** {@code CLIENT SETNAME} value of every connection; default {@code redis-servlet-filters}. */
    public String clientName() { return clientName; }
    /** Consecutive failures that open the circuit breaker; default 3. */
    public int failureThreshold() { return failureThreshold; }
    /** While the breaker is open, how often one call probes Redis; default 1 s. */
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

        /** Host of a standalone server. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port of a standalone server, 1 to 65535. */
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

        /** Password (of the ACL user, or of the default user). */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Database index, 0 to 1000000 (Redis' own limit is its {@code databases} setting, 16 by default). */
        public Builder database(int database) {
            if (database < 0 || database > 1_000_000) {
                throw new IllegalArgumentException("redisDatabase must be from 0 to 1000000 but was " + database);
            }
            this.database = database;
            return this;
        }

        /** Turns on Sentinel mode. */
        public Builder sentinelMaster(String name) {
            this.sentinelMaster = name;
            return this;
        }

        /** The sentinels to ask for the master. */
        public Builder sentinelNodes(List<HostAndPort> nodes) {
            this.sentinelNodes = List.copyOf(nodes);
            return this;
        }

        /** ACL user for the sentinels themselves. */
        public Builder sentinelUser(String user) {
            this.sentinelUser = user;
            return this;
        }

        /** Password for the sentinels themselves. */
        public Builder sentinelPassword(String password) {
            this.sentinelPassword = password;
            return this;
        }

        /** Turns on Cluster mode with these seed nodes. */
        public Builder clusterNodes(List<HostAndPort> nodes) {
            this.clusterNodes = List.copyOf(nodes);
            return this;
        }

        /** Turns TLS on or off (a {@code rediss://} URL turns it on). */
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

        /** Type of the trust store; default {@code PKCS12}. */
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

        /** Type of the key store; default {@code PKCS12}. */
        public Builder keyStoreType(String type) {
            this.keyStoreType = Objects.requireNonNull(type);
            return this;
        }

        /** Whether the server certificate must match the host name; default true. */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /** Maximum connections (per node on Cluster), 1 to 10000; default 64. */
        public Builder poolSize(int size) {
            if (size < 1 || size > 10_000) {
                throw new IllegalArgumentException("redisPoolSize must be from 1 to 10000 but was " + size);
            }
            this.poolSize = size;
            return this;
        }

        /** Longest wait for a free pooled connection before the filter's failure mode applies, 0 to 1 h; default 200 ms. */
        public Builder poolMaxWait(Duration wait) {
            this.poolMaxWait = Durations.check("redisPoolMaxWait", wait, Duration.ZERO, MAX_WAIT);
            return this;
        }

        /** Connect (and TLS handshake) timeout, 1 ms to 1 h; default 1 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Durations.check("redisConnectTimeout", timeout, Duration.ofMillis(1), MAX_WAIT);
            return this;
        }

        /** Per-command read timeout, 1 ms to 1 h; default 1 s. */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = Durations.check("redisSocketTimeout", timeout, Duration.ofMillis(1), MAX_WAIT);
            return this;
        }

        /** {@code CLIENT SETNAME} value, non-empty without spaces; default {@code redis-servlet-filters}. */
        public Builder clientName(String name) {
            if (name == null || name.isBlank() || name.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("redisClientName must be non-empty without spaces but was '" + name + "'");
            }
            this.clientName = name;
            return this;
        }

        /** Consecutive failures that open the circuit breaker, 1 to 1000; default 3. */
        public Builder failureThreshold(int failures) {
            if (failures < 1 || failures > 1000) {
                throw new IllegalArgumentException("redisFailureThreshold must be from 1 to 1000 but was " + failures);
            }
            this.failureThreshold = failures;
            return this;
        }

        /** While the breaker is open, how often one call probes Redis, 10 ms to 1 h; default 1 s. */
        public Builder retryInterval(Duration interval) {
            this.retryInterval = Durations.check("redisRetryInterval", interval, Duration.ofMillis(10), MAX_WAIT);
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

        /**
         * Checks the settings together (Sentinel needs nodes and a master, Cluster has no
         * database, a key store needs TLS) and builds them.
         *
         * @throws IllegalArgumentException naming the conflicting settings
         */
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
