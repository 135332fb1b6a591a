package io.github.redisfilters.config;

import jakarta.servlet.ServletException;

/**
 * A configuration value was rejected. The message always names the component (filter or
 * listener), the parameter, the offending value and the expected form, so that it can be read
 * straight off a deployment log and fixed.
 */
public class ConfigException extends ServletException {
    private static final long serialVersionUID = 1L;

    /** An error with a message that names component, parameter, value and expected form. */
    public ConfigException(String message) {
        super(message);
    }

    /** As {@link #ConfigException(String)}, keeping the underlying cause. */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Builds the standard message: {@code <component>: parameter '<name>' has invalid value
     * '<value>': expected <expected>}.
     */
    public static ConfigException invalid(String component, String parameter, String value, String expected) {
        return new ConfigException(component + ": parameter '" + parameter + "' has invalid value '"
                + value + "': expected " + expected);
    }
}
