/**
 * Internal: servlet plumbing shared by the filters (the commit-aware response wrapper, client
 * address resolution behind trusted proxies, RFC 9457 problem responses, request paths and
 * signals). Not part of the API: anything here may change in any release.
 */
package io.github.redisfilters.internal.web;
