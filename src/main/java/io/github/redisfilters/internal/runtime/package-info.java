/**
 * Internal: the lifecycle every filter shares between {@code init} and {@code destroy} (shared
 * client, counters, request-batch membership). Not part of the API: anything here may change in
 * any release.
 */
package io.github.redisfilters.internal.runtime;
