package io.github.redisfilters.internal.metrics;

import io.github.redisfilters.client.SharedRedisClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one Redis client, as its JMX attributes and meters publish them. None needs a
 * round trip to Redis, so reading them is always cheap and never blocks.
 *
 * <table>
 * <caption>Client figures</caption>
 * <tr><th>name</th><th>type</th><th>meaning</th></tr>
 * <tr><td>target</td><td>text</td><td>the Redis the client talks to, without secrets</td></tr>
 * <tr><td>breakerState</td><td>text</td><td>{@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}</td></tr>
 * <tr><td>breakerOpen</td><td>0/1</td><td>1 while the breaker is not closed</td></tr>
 * <tr><td>breakerOpenings</td><td>count</td><td>outages since start</td></tr>
 * <tr><td>breakerRejected</td><td>count</td><td>calls refused during the current outage</td></tr>
 * <tr><td>poolActive / poolIdle / poolWaiting</td><td>gauge</td><td>borrowed, idle and waited-for connections, summed over nodes</td></tr>
 * <tr><td>poolRenewals</td><td>count</td><td>times the pool was renewed after the node behind the address stopped being a writable primary (managed failover) or refused connections; 0 for Sentinel, Cluster and supplied clients</td></tr>
 * <tr><td>slotMapRenewals</td><td>count</td><td>times a Redis Cluster client re-read its slot map after a node's connection failed (a primary died and its replica is promoted); 0 for standalone, Sentinel and supplied clients</td></tr>
 * <tr><td>poolMax</td><td>gauge</td><td>configured connections per node ({@code redisPoolSize}); absent for an application-supplied client</td></tr>
 * <tr><td>persistenceWarning</td><td>text</td><td>why data in this Redis may be lost on restart, or empty (see the JWT blacklist)</td></tr>
 * </table>
 */
public final class ClientFigures {
    private ClientFigures() {
    }

    static Map<String, Object> of(SharedRedisClient c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", c.target());
        out.put("breakerState", c.breaker().state().name());
        out.putAll(numbers(c));
        String warning = c.persistence().warning();
        out.put("persistenceWarning", warning == null ? "" : warning);
        return out;
    }

    /** The numeric figures only (meters). */
    public static Map<String, Number> numbers(SharedRedisClient c) {
        Map<String, Number> out = new LinkedHashMap<>();
        out.put("breakerOpen", c.breaker().state() == io.github.redisfilters.internal.client.CircuitBreaker.State.CLOSED ? 0 : 1);
        out.put("breakerOpenings", c.breaker().openings());
        out.put("breakerRejected", c.breaker().rejectedInCurrentOutage());
        int active = 0;
        int idle = 0;
        int waiting = 0;
        for (Map<String, Integer> node : c.poolStats().values()) {
            active += node.getOrDefault("active", 0);
            idle += node.getOrDefault("idle", 0);
            waiting += node.getOrDefault("waiting", 0);
        }
        out.put("poolActive", active);
        out.put("poolIdle", idle);
        out.put("poolWaiting", waiting);
        out.put("poolRenewals", c.poolRenewals());
        out.put("slotMapRenewals", c.slotMapRenewals());
        if (c.settings().externalClient() == null) {
            out.put("poolMax", c.settings().poolSize());
        }
        return out;
    }
}
