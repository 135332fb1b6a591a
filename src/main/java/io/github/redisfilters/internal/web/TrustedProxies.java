package io.github.redisfilters.internal.web;

import io.github.redisfilters.config.CidrRange;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.internal.config.InitParams;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The one trusted-proxy setting every filter shares: the context-param {@value #PARAMETER} (a
 * comma- or space-separated list of addresses and CIDR ranges), which a filter's init-param of the
 * same name overrides for that filter. Only a request whose TCP peer lies in this list may tell
 * the filters, through {@code X-Forwarded-For}, {@code Forwarded} or {@code X-Forwarded-Proto},
 * who the client is and whether it used HTTPS; from any other peer those headers are ignored.
 * Default: empty (no proxy is trusted).
 */
public final class TrustedProxies {
    /** The context-param and init-param name. */
    public static final String PARAMETER = "trustedProxies";
    /** What a value looks like, quoted in errors. */
    public static final String FORM = "addresses or CIDR ranges such as 10.0.0.0/8, 127.0.0.1 or ::1";

    private TrustedProxies() {
    }

    /**
     * The ranges in effect for one filter: its own init-param when given (an empty list cannot be
     * given: a blank value counts as absent), else the context-param, else none.
     *
     * @param own the filter's init-params, read with {@link InitParams} ({@value #PARAMETER} must be
     *            among its known names)
     * @throws ConfigException naming the filter or the context-param, the bad entry and the form
     */
    public static List<CidrRange> forFilter(FilterConfig filterConfig, InitParams own) throws ConfigException {
        if (own.raw(PARAMETER).isPresent()) {
            return own.cidrs(PARAMETER, List.of());
        }
        return forContext(filterConfig.getServletContext());
    }

    /**
     * The context-param alone (for filters configured in code, whose builder left the setting
     * unset).
     *
     * @throws ConfigException naming the context-param, the bad entry and the form
     */
    public static List<CidrRange> forContext(ServletContext context) throws ConfigException {
        String v = context == null ? null : context.getInitParameter(PARAMETER);
        return v == null ? List.of() : parse("context-param", v);
    }

    /**
     * Parses a list written like the init-param.
     *
     * @param component named in the error, e.g. {@code context-param}
     * @throws ConfigException on the first entry that is neither an address nor a CIDR range
     */
    public static List<CidrRange> parse(String component, String value) throws ConfigException {
        List<CidrRange> out = new ArrayList<>();
        for (String s : value.trim().split("[,\\s]+")) {
            if (s.isEmpty()) {
                continue;
            }
            try {
                out.add(CidrRange.parse(s));
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(component, PARAMETER, s, FORM);
            }
        }
        return List.copyOf(out);
    }
}
