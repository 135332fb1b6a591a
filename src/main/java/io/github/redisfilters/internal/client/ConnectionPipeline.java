package io.github.redisfilters.internal.client;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Response;

/**
 * A pipeline on one pooled connection, given back to its pool on {@link #close()}. Like Jedis'
 * {@code Pipeline}, but with command objects shared by every pipeline of the client (Jedis' makes
 * its own for each pipeline: a dozen objects per node and batch on the hot path).
 */
final class ConnectionPipeline extends AbstractPipeline {
    private final Connection connection;
    private final Queue<Response<?>> pending = new ArrayDeque<>(4);

    ConnectionPipeline(Connection connection, CommandObjects commands) {
        super(commands);
        this.connection = connection;
    }

    @Override
    protected <T> Response<T> appendCommand(CommandObject<T> command) {
        connection.sendCommand(command.getArguments());
        Response<T> response = new Response<>(command.getBuilder());
        pending.add(response);
        return response;
    }

    /** Reads the replies of the commands sent; an error reply is kept in its response, a broken connection throws. */
    @Override
    public void sync() {
        if (pending.isEmpty()) {
            return;
        }
        List<Object> replies = connection.getMany(pending.size());
        for (Object reply : replies) {
            pending.poll().set(reply);
        }
    }

    @Override
    public void close() {
        try {
            sync();
        } finally {
            connection.close();
        }
    }
}
