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
 * {@link #newClient()} (a second server, say) are closed with the fixture. A server a test
 * stopped or killed is started again (same port) before the next test. Works on nested and
 * parameterized classes too: the server started for the outermost class serves the inner ones.
 * A test that needs a configured server passes {@code redis-server} arguments
 * ({@code new RedisFixture("--appendonly", "yes")}) or asks for a password ({@link #withPassword}).
 */
public final class RedisFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final List<String> serverArgs;
    private final String password;
    private RedisProcess process;
    private final List<SharedRedisClient> clients = new ArrayList<>();
    private int depth; // class contexts entered (nested and parameterized classes enter more than one)

    /** A Redis started with these extra {@code --name value} arguments (none: the harness defaults). */
    public RedisFixture(String... serverArgs) {
        this(null, List.of(serverArgs));
    }

    private RedisFixture(String password, List<String> serverArgs) {
        this.password = password;
        this.serverArgs = serverArgs;
    }

    /** A Redis that requires {@code password}; the fixture's own connections and clients send it. */
    public static RedisFixture withPassword(String password) {
        return new RedisFixture(password, List.of("--requirepass", password));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (depth++ == 0) {
            process = RedisProcess.start(serverArgs.toArray(String[]::new));
            if (password != null) {
                process.adminAuth(null, password);
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!process.isAlive()) {
            process.launch();
        }
        process.flushAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--depth == 0) {
            clients.forEach(SharedRedisClient::close);
            clients.clear();
            process.close();
        }
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
        SharedRedisClient c = SharedRedisClient.create(RedisSettings.builder().url(process.url()).password(password).build());
        clients.add(c);
        return c;
    }
}
