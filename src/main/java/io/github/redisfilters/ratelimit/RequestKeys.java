package io.github.redisfilters.ratelimit;

import io.github.redisfilters.config.CidrRange;
import io.github.redisfilters.internal.web.ClientAddressResolver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.HexFormat;

/**
 * Derives the client key of a rule from a request. The result becomes the hash tag of the Redis
 * keys, so it is short, never contains braces, and never carries a secret in clear: header values
 * (API keys) and session ids are hashed.
 */
final class RequestKeys {
    private final ClientAddressResolver addresses;
    private final int ipv6Prefix;
    private final KeyResolver custom;

    RequestKeys(ClientAddressResolver addresses, int ipv6Prefix, KeyResolver custom) {
        this.addresses = addresses;
        this.ipv6Prefix = ipv6Prefix;
        this.custom = custom;
    }

    /** The client address, through the trusted-proxy resolver. */
    String address(HttpServletRequest request) {
        return addresses.resolve(request);
    }

    /** The client-address key: IPv4 as is, IPv6 reduced to its /{@code ipv6Prefix} network. */
    String ip(HttpServletRequest request) {
        return ipKey(addresses.resolve(request));
    }

    /** {@link #ip} of an address already resolved. */
    String ipKey(String a) {
        if (a.indexOf(':') < 0 && a.indexOf('.') > 0) {
            return "ip:" + a; // IPv4, already normalised by the resolver
        }
        byte[] b = CidrRange.literal(a);
        if (b == null) {
            return "ip:" + hash(a);
        }
        if (b.length == 16 && ipv6Prefix < 128) {
            byte[] m = b.clone();
            for (int i = 0; i < m.length; i++) {
                int bits = Math.max(0, Math.min(8, ipv6Prefix - i * 8));
                m[i] = (byte) (m[i] & (0xFF << (8 - bits)));
            }
            try {
                return "ip:" + InetAddress.getByAddress(m).getHostAddress() + "/" + ipv6Prefix;
            } catch (UnknownHostException e) {
                return "ip:" + a;
            }
        }
        return "ip:" + a;
    }

    /** The rule's key for this request, or null when the request has none. */
    String of(Rule rule, HttpServletRequest request) {
        switch (rule.key()) {
            case IP:
                return ip(request);
            case PRINCIPAL: {
                Principal p = request.getUserPrincipal();
                return p == null || p.getName() == null || p.getName().isBlank() ? null : "p:" + readable(p.getName());
            }
            case HEADER: {
                String v = request.getHeader(rule.header());
                return v == null || v.isBlank() ? null : "h:" + hash(v.trim());
            }
            case SESSION: {
                HttpSession s = request.getSession(false);
                return s == null ? null : "s:" + hash(s.getId());
            }
            default: {
                String v = custom == null ? null : custom.resolve(request);
                return v == null || v.isBlank() ? null : "c:" + readable(v);
            }
        }
    }

    /**
     * The key an exempt value given in a rule stands for (what {@link #of} derives from a request
     * carrying that value), or null for an IP rule (exempt addresses are CIDR ranges).
     */
    static String derive(KeySource source, String value) {
        return switch (source) {
            case PRINCIPAL -> "p:" + readable(value);
            case HEADER -> "h:" + hash(value.trim());
            case SESSION -> "s:" + hash(value);
            case CUSTOM -> "c:" + readable(value);
            default -> null;
        };
    }

    private static String readable(String v) {
        return v.length() <= 64 && v.chars().allMatch(c -> c > 32 && c < 127 && c != '{' && c != '}') ? v : hash(v);
    }

    static String hash(String v) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(v.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
