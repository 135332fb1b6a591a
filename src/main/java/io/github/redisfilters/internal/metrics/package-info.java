/**
 * Internal: the filters' counters and their per-application registry (JMX MBeans, listeners for
 * meter binders). Not part of the API: anything here may change in any release. Applications read
 * the figures through {@code io.github.redisfilters.metrics} (status servlet, Micrometer binder) or
 * JMX.
 */
package io.github.redisfilters.internal.metrics;
