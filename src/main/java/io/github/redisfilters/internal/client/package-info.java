/**
 * Internal: the machinery behind the shared Redis client (request plans and their pipelined
 * sending, the per-request batch that lets the filters of one request share a round trip, Lua
 * scripts, the circuit breaker and the persistence watch). Not part of the API: anything here may
 * change in any release. The API of the client is in {@code io.github.redisfilters.client}.
 */
package io.github.redisfilters.internal.client;
