package io.github.redisfilters.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address range in CIDR form ({@code 10.0.0.0/8}, {@code ::1/128}); a bare
 * address means a single host. Parsing never performs a DNS lookup.
 */
public final class CidrRange {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private CidrRange(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses a CIDR range or single address.
     *
     * @throws IllegalArgumentException when the text is not a literal address with an optional prefix
     */
    public static CidrRange parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String digits = t.substring(slash + 1);
            // ASCII digits only: parseInt would also take "+24" and other scripts' digits
            prefix = digits.matches("[0-9]{1,3}") ? Integer.parseInt(digits) : -1;
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + max);
            }
        }
        return new CidrRange(mask(bytes, prefix), prefix, t);
    }

    /** True when {@code address} (a literal IP) lies inside this range; false for anything unparsable. */
    public boolean contains(String address) {
        byte[] b = literal(address);
        return b != null && contains(b);
    }

    /** True when the raw address bytes lie inside this range. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        return rest == 0 || (byte) (address[full] & (0xFF << (8 - rest))) == network[full];
    }

    /**
     * Parses a literal IPv4/IPv6 address (brackets allowed for IPv6) without DNS; null if it is
     * not one.
     */
    public static byte[] literal(String s) {
        if (s == null) {
            return null;
        }
        String a = s.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        if (a.isEmpty() || a.length() > 45) {
            return null;
        }
        if (a.indexOf(':') < 0) {
            return ipv4(a);
        }
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return null; // no zone ids, no host names: never a DNS lookup
            }
        }
        if (a.charAt(0) == '.') {
            return null; // InetAddress would take it for a host name and ask the resolver
        }
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Dotted-quad IPv4 (decimal, 1-3 digits per part, leading zeros read as decimal like
     * {@link InetAddress} does), parsed by hand: this runs on every rate-limited request.
     */
    private static byte[] ipv4(String a) {
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return null;
                }
                value = value * 10 + (c - '0');
            } else if (c == '.' && digits > 0 && part < 3) {
                if (value > 255) {
                    return null;
                }
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        if (part != 3 || digits == 0 || value > 255) {
            return null;
        }
        out[3] = (byte) value;
        return out;
    }

    /** Canonical text of raw address bytes: dotted quad, or eight lower-case hex groups for IPv6 (as {@link InetAddress#getHostAddress()}). */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "." + (address[3] & 0xFF);
        }
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + address.length + " bytes", e);
        }
    }

    static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - bits)));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
