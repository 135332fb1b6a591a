/**
 * Internal: reading and checking init-params and context-params (typo detection, durations,
 * sizes). Not part of the API: anything here may change in any release. What users see of
 * configuration ({@code ConfigException}, path patterns, CIDR ranges) is in
 * {@code io.github.redisfilters.config}.
 */
package io.github.redisfilters.internal.config;
