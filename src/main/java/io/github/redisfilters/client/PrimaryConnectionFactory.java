package io.github.redisfilters.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.PooledObjectFactory;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.KeyValue;

/**
 * Makes the pooled connections of a standalone client (one host name, which a managed service
 * moves to a new primary on failover) so that the pool can be renewed.
 *
 * <ul>
 *   <li>Each connection is stamped with the pool's generation when it is made. {@link #renew()}
 *       starts a new generation and closes the idle connections; an older connection still
 *       borrowed is closed when it comes back (the pool validates on return and on borrow), so
 *       no connection made before the failover is used again.</li>
 *   <li>A new connection opens a new socket to the host name, looked up again (Jedis resolves the
 *       name for every socket; the JVM's DNS cache, {@code networkaddress.cache.ttl}, decides how
 *       fresh the answer is).</li>
 *   <li>A new connection asks the server its role ({@code HELLO} without arguments: allowed to
 *       every user, no protocol switch) and is refused when the server is a replica. So while the
 *       name still points at the demoted node the pool stays empty instead of refilling with
 *       connections that answer {@code READONLY} to every write and {@code PONG} to every health
 *       check. A server that does not know {@code HELLO} (Redis before 6) is taken as it is.</li>
 * </ul>
 */
final class PrimaryConnectionFactory implements PooledObjectFactory<Connection> {
    /** Least time between two renewals: a burst of failures of one event renews once. */
    static final long MIN_RENEWAL_GAP_NANOS = 1_000_000_000L;

    private final ConnectionFactory delegate;
    private final String target;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong lastRenewalAt = new AtomicLong(System.nanoTime() - MIN_RENEWAL_GAP_NANOS);
    /** The generation of the newest connection made to a primary (or to a server not telling its role). */
    private final AtomicLong primaryGeneration = new AtomicLong(-1);
    private volatile GenericObjectPool<Connection> pool;

    PrimaryConnectionFactory(ConnectionFactory delegate, String target) {
        this.delegate = delegate;
        this.target = target;
    }

    /** Called once the pool using this factory exists. */
    void attach(GenericObjectPool<Connection> pool) {
        this.pool = pool;
    }

    /**
     * Starts a new generation and closes the idle connections, unless the last renewal was less
     * than {@link #MIN_RENEWAL_GAP_NANOS} ago (one event, many failing calls). Returns the number
     * of idle connections closed, or -1 when nothing was done.
     */
    int renew() {
        long now = System.nanoTime();
        long last = lastRenewalAt.get();
        if (now - last < MIN_RENEWAL_GAP_NANOS || !lastRenewalAt.compareAndSet(last, now)) {
            return -1;
        }
        generation.incrementAndGet();
        GenericObjectPool<Connection> p = pool;
        if (p == null) {
            return 0;
        }
        int idle = p.getNumIdle();
        p.clear(); // closes idle connections now; borrowed ones fail validation when they come back
        return idle;
    }

    /** Renewals since start (each started a new generation). */
    long renewals() {
        return generation.get();
    }

    /** Whether a connection to a primary was made since the last {@link #renew()}. */
    boolean primaryConnectedSinceRenewal() {
        return primaryGeneration.get() == generation.get();
    }

    @Override
    public PooledObject<Connection> makeObject() throws Exception {
        long g = generation.get();
        PooledObject<Connection> made = delegate.makeObject();
        Connection c = made.getObject();
        String role;
        try {
            role = role(c);
        } catch (RuntimeException e) {
            delegate.destroyObject(made);
            throw e;
        }
        if ("replica".equals(role) || "slave".equals(role)) {
            delegate.destroyObject(made);
            throw new JedisConnectionException("Redis at " + target + " is a replica now (HELLO role: " + role
                    + "); the client connects only to a primary and tries again");
        }
        primaryGeneration.accumulateAndGet(g, Math::max);
        return new Stamped(c, g);
    }

    /** The server's role from {@code HELLO}, or null when it does not say. */
    static String role(Connection c) {
        Object reply;
        try {
            c.sendCommand(Protocol.Command.HELLO);
            reply = c.getOne();
        } catch (JedisDataException e) {
            return null; // Redis before 6 (unknown command): no role to check
        }
        return roleIn(reply);
    }

    /** The {@code role} field of a HELLO reply: a flat key/value list (RESP2) or a map (RESP3). */
    static String roleIn(Object reply) {
        if (!(reply instanceof List<?> items)) {
            return null;
        }
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item instanceof KeyValue<?, ?> kv) {
                if ("role".equals(text(kv.getKey()))) {
                    return text(kv.getValue());
                }
            } else if ("role".equals(text(item)) && i + 1 < items.size() && i % 2 == 0) {
                return text(items.get(i + 1));
            }
        }
        return null;
    }

    private static String text(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return o == null ? null : o.toString();
    }

    /**
     * Only the generation is checked, on every borrow and return: two field reads. A broken
     * connection is dropped by Jedis itself when it comes back, as without this factory.
     */
    @Override
    public boolean validateObject(PooledObject<Connection> p) {
        return p instanceof Stamped s && s.generation == generation.get();
    }

    @Override
    public void activateObject(PooledObject<Connection> p) throws Exception {
        delegate.activateObject(p);
    }

    @Override
    public void passivateObject(PooledObject<Connection> p) throws Exception {
        delegate.passivateObject(p);
    }

    @Override
    public void destroyObject(PooledObject<Connection> p) throws Exception {
        delegate.destroyObject(p);
    }

    /** A pooled connection and the generation it was made in. */
    private static final class Stamped extends DefaultPooledObject<Connection> {
        final long generation;

        Stamped(Connection c, long generation) {
            super(c);
            this.generation = generation;
        }
    }
}
