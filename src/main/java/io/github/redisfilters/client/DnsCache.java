package io.github.redisfilters.client;

import java.security.Security;

/**
 * How long this JVM keeps a DNS answer, for the failover log line: a managed Redis moves its name
 * to the new primary, and new connections only follow once the cached answer expires.
 */
final class DnsCache {
    /** The JDK's default when neither property is set (and no security manager is installed). */
    private static final int JDK_DEFAULT_SECONDS = 30;

    private DnsCache() {
    }

    /** Seconds a successful lookup is cached: {@code networkaddress.cache.ttl}, else {@code sun.net.inetaddr.ttl}, else 30; -1 = forever. */
    static int ttlSeconds() {
        Integer t = parse(Security.getProperty("networkaddress.cache.ttl"));
        if (t == null) {
            t = parse(System.getProperty("sun.net.inetaddr.ttl"));
        }
        return t == null ? JDK_DEFAULT_SECONDS : t;
    }

    private static Integer parse(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A note for the log line: empty for an IP address, else how long the name's old answer may linger. */
    static String note(String host) {
        if (host == null || isAddressLiteral(host)) {
            return "";
        }
        int ttl = ttlSeconds();
        return "; new connections look up " + host + " again (this JVM caches DNS answers for "
                + (ttl < 0 ? "ever" : ttl + " s") + ", security property networkaddress.cache.ttl)";
    }

    static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
