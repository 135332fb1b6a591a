package io.github.redisfilters.internal.web;

import io.github.redisfilters.config.CidrRange;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Finds the client address of a request. The TCP peer ({@code getRemoteAddr()}) is the client
 * unless it is a trusted proxy; then the right-most {@code X-Forwarded-For} (or RFC 7239
 * {@code Forwarded: for=}) hop that is not itself a trusted proxy is the client. Headers sent by an
 * untrusted peer are ignored, so they cannot be spoofed. Garbage hops end the walk (the last good
 * address is used); at most {@value #MAX_HOPS} hops are examined. {@link #isSecure} answers the
 * same way whether the client used HTTPS. The trusted list is the shared {@link TrustedProxies}
 * setting.
 */
public final class ClientAddressResolver {
    static final int MAX_HOPS = 32;

    private final List<CidrRange> trustedProxies;

    /** A resolver that believes forwarding headers only from peers in {@code trustedProxies}. */
    public ClientAddressResolver(List<CidrRange> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * True when the client's request was HTTPS: the connection itself is secure, or the TCP peer is
     * a trusted proxy and says so — every {@code X-Forwarded-Proto} value is {@code https}, or,
     * without that header, every {@code proto=} of {@code Forwarded} is (at least one present). A
     * list with any other value (a proxy that appended {@code http} after a client's forged
     * {@code https}) is not secure; an untrusted peer's headers are never read.
     */
    public boolean isSecure(HttpServletRequest request) {
        if (request.isSecure()) {
            return true;
        }
        if (trustedProxies.isEmpty() || !isTrusted(CidrRange.literal(request.getRemoteAddr()))) {
            return false;
        }
        Enumeration<String> xfp = request.getHeaders("X-Forwarded-Proto");
        if (xfp != null && xfp.hasMoreElements()) {
            return allHttps(xfp, null);
        }
        return allHttps(request.getHeaders("Forwarded"), "proto");
    }

    /** Every value (or every {@code param=} of every element) is {@code https}, and there is one. */
    private static boolean allHttps(Enumeration<String> headers, String param) {
        int seen = 0;
        while (headers != null && headers.hasMoreElements()) {
            for (String element : headers.nextElement().split(",", -1)) {
                if (++seen > MAX_HOPS) {
                    return false;
                }
                String v = param == null ? element.trim() : parameter(element, param);
                if (v == null) {
                    seen--; // a Forwarded element without proto= says nothing about the scheme
                    continue;
                }
                if (!v.equalsIgnoreCase("https")) {
                    return false;
                }
            }
        }
        return seen > 0;
    }

    /** The value of {@code name=} in one {@code Forwarded} element, unquoted; null when absent. */
    private static String parameter(String element, String name) {
        String value = null;
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(name)) {
                value = pair.substring(eq + 1).trim();
            }
        }
        if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** The client address as a normalised literal (never null; the peer address as a last resort). */
    public String resolve(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        byte[] peerBytes = CidrRange.literal(peer);
        if (trustedProxies.isEmpty() || !isTrusted(peerBytes)) {
            return peerBytes == null ? (peer == null ? "unknown" : peer) : CidrRange.format(peerBytes);
        }
        List<String> hops = forwardedHops(request);
        byte[] candidate = peerBytes;
        for (int i = hops.size() - 1; i >= 0 && hops.size() - i <= MAX_HOPS; i--) {
            byte[] hop = CidrRange.literal(hops.get(i));
            if (hop == null) {
                break; // garbage or obfuscated identifier: stop at the last address we trust
            }
            candidate = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return CidrRange.format(candidate);
    }

    private boolean isTrusted(byte[] address) {
        if (address == null) {
            return false;
        }
        for (int i = 0; i < trustedProxies.size(); i++) { // indexed: no iterator per request
            if (trustedProxies.get(i).contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Hops in order client-first, from X-Forwarded-For if present, else from Forwarded. */
    private static List<String> forwardedHops(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        Enumeration<String> xff = request.getHeaders("X-Forwarded-For");
        for (String v : xff == null ? List.<String>of() : Collections.list(xff)) {
            for (String part : v.split(",", -1)) { // a trailing empty hop is garbage too: keep it
                hops.add(stripPort(part.trim()));
            }
        }
        if (!hops.isEmpty()) {
            return hops;
        }
        Enumeration<String> fwd = request.getHeaders("Forwarded");
        for (String v : fwd == null ? List.<String>of() : Collections.list(fwd)) {
            for (String element : v.split(",", -1)) {
                String forValue = parameter(element, "for");
                hops.add(stripPort(forValue == null ? "" : forValue));
            }
        }
        return hops;
    }

    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close > 0 ? hop.substring(1, close) : hop;
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
            return hop.substring(0, colon); // IPv4 with port
        }
        return hop;
    }

    /** Canonical text of a literal address (see {@link CidrRange#format}); the input itself if it is not a literal. */
    public static String normalise(String address) {
        byte[] b = CidrRange.literal(address);
        if (b == null) {
            return address == null ? "unknown" : address;
        }
        return CidrRange.format(b);
    }
}
