package io.github.redisfilters.internal.web;

import static io.github.redisfilters.testing.Fuzz.guarded;
import static io.github.redisfilters.testing.Fuzz.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.redisfilters.config.CidrRange;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Fuzzes client-address resolution behind trusted proxies. Whatever a client writes into
 * {@code X-Forwarded-For} or {@code Forwarded}, the result is the peer or one of the addresses in
 * those headers, never garbage, and hops a client adds to the left of the right-most untrusted
 * address cannot change it.
 */
class ClientAddressFuzzTest {
    private static final ClientAddressResolver RESOLVER = new ClientAddressResolver(List.of(CidrRange.parse("10.0.0.0/8"),
            CidrRange.parse("127.0.0.1"), CidrRange.parse("::1"), CidrRange.parse("fd00::/8")));

    /** Input: the peer address on the first line, then lines {@code X:<X-Forwarded-For>} or {@code F:<Forwarded>}. */
    @FuzzTest(maxDuration = "2m")
    void resolve(byte[] data) {
        String[] lines = text(data).split("\n", 16);
        String peer = lines[0];
        List<String> xff = new ArrayList<>();
        List<String> forwarded = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String v = lines[i].length() < 2 ? "" : lines[i].substring(2);
            if (lines[i].startsWith("X:")) {
                xff.add(v);
            } else if (lines[i].startsWith("F:")) {
                forwarded.add(v);
            }
        }
        HttpServletRequest req = mock(HttpServletRequest.class);
        when(req.getRemoteAddr()).thenReturn(peer);
        when(req.getHeaders("X-Forwarded-For")).thenAnswer(i -> Collections.enumeration(xff));
        when(req.getHeaders("Forwarded")).thenAnswer(i -> Collections.enumeration(forwarded));

        String client = guarded(() -> RESOLVER.resolve(req));
        assertThat(client).isNotNull();
        String normalPeer = ClientAddressResolver.normalise(peer);
        boolean peerTrusted = trusted(peer);
        if (!peerTrusted) {
            assertThat(client).as("an untrusted peer's headers are ignored").isEqualTo(normalPeer);
            return;
        }
        if (!client.equals(normalPeer)) {
            assertThat(CidrRange.literal(client)).as("only a literal address replaces the peer: %s", client).isNotNull();
            boolean sent = false;
            for (String piece : (String.join(",", xff) + "," + String.join(",", forwarded)).split("[,;]")) {
                String t = piece.trim();
                int eq = t.indexOf('=');
                if (eq > 0 && t.substring(0, eq).trim().equalsIgnoreCase("for")) {
                    t = t.substring(eq + 1).trim();
                }
                if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                    t = t.substring(1, t.length() - 1);
                }
                sent |= client.equals(ClientAddressResolver.normalise(withoutPort(t)));
            }
            assertThat(sent).as("the client address %s comes from the headers", client).isTrue();
        }
        if (!xff.isEmpty()) {
            // X-Forwarded-For wins over Forwarded; walk it right to left as the documentation says.
            List<String> hops = new ArrayList<>();
            for (String v : xff) {
                for (String h : v.split(",", -1)) {
                    hops.add(h.trim());
                }
            }
            String expected = peer;
            for (int i = hops.size() - 1; i >= 0 && hops.size() - i <= ClientAddressResolver.MAX_HOPS; i--) {
                String hop = withoutPort(hops.get(i));
                if (CidrRange.literal(hop) == null) {
                    break;
                }
                expected = hop;
                if (!trusted(hop)) {
                    break;
                }
            }
            assertThat(client).as("X-Forwarded-For %s", xff).isEqualTo(ClientAddressResolver.normalise(expected));
        }
    }

    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close > 0 ? hop.substring(1, close) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    private static boolean trusted(String address) {
        byte[] b = CidrRange.literal(address);
        return b != null && (CidrRange.parse("10.0.0.0/8").contains(b) || CidrRange.parse("127.0.0.1").contains(b)
                || CidrRange.parse("::1").contains(b) || CidrRange.parse("fd00::/8").contains(b));
    }
}
