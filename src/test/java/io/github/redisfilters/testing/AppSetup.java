package io.github.redisfilters.testing;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;

/**
 * Registers filters, servlets and context-params on a starting application, the same way on every
 * container (it runs inside a {@code ServletContainerInitializer}).
 */
@FunctionalInterface
public interface AppSetup {
    void configure(ServletContext context) throws ServletException;
}
