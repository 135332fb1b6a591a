package io.github.redisfilters.testing;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Redis per test class with a library client on it, emptied before every test:
 * {@code @RegisterExtension static final RedisFixture REDIS = new RedisFixture();}. Clients from
 * {@link #newClient()} (a second server, say) are closed with the fixture.
 */
public final class RedisFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private RedisProcess process;
    private final List<SharedRedisClient> clients = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        process = RedisProcess.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        process.flushAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        clients.forEach(SharedRedisClient::close);
        clients.clear();
        process.close();
    }

    /** The Redis server. */
    public RedisProcess process() {
        return process;
    }

    /** The class's library client (created on first use). */
    public SharedRedisClient client() {
        return clients.isEmpty() ? newClient() : clients.get(0);
    }

    /** Another library client on the same Redis, as a second server would have. */
    public SharedRedisClient newClient() {
        SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().url(process.url()).build());
        clients.add(c);
        return c;
    }
}
