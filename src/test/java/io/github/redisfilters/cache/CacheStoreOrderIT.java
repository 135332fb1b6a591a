package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.internal.client.Plan;
import io.github.redisfilters.internal.client.Results;
import io.github.redisfilters.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A render is stored exactly when no invalidation (or tag purge) of its URL ran after its lookup.
 * The two are sent back to back in one pipeline, so that they nearly always fall in the same
 * millisecond of Redis' clock: the order of the scripts, not the clock's resolution, must decide.
 */
class CacheStoreOrderIT {
    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static final int ROUNDS = 50;
    static SharedRedisClient client;
    static CacheKeys keys;
    static CacheStore store;

    @BeforeAll
    static void start() {
        client = SharedRedisClient.create(RedisSettings.builder().url(REDIS.process().url()).build());
        keys = new CacheKeys("order:", true, List.of());
        store = new CacheStore(client, keys);
        // Loads every script once: a pipelined script Redis does not know yet (NOSCRIPT) is sent
        // again after the rest of its pipeline, which would swap the order these tests set up.
        String url = keys.urlKey("/warm", "", null);
        client.send(List.of(store.invalidation(List.of(url), List.of("/warm")), lookup(url)));
        client.send(store.new TagIndex(url, List.of("warm"), 1000, 0));
        store.store(storePlan(url, 0));
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static CacheStore.Lookup lookup(String urlKey) {
        return store.new Lookup(urlKey, Map.of(), false, null, 5000);
    }

    private static CacheStore.Store storePlan(String urlKey, long lookupMicros) {
        return store.new Store(urlKey, List.of(), Map.of(), "entry".getBytes(StandardCharsets.UTF_8), 60_000, null,
                lookupMicros);
    }

    /** Sends both plans in one pipeline and returns the lookup's reply. */
    private static CacheStore.Found together(Plan<?> first, Plan<?> second, CacheStore.Lookup lookup) {
        Results r = client.send(List.of(first, second));
        return r.get(lookup);
    }

    @Test
    void aLookupRightAfterAnInvalidationIsStored() {
        for (int i = 0; i < ROUNDS; i++) {
            String url = keys.urlKey("/after/" + i, "", null);
            CacheStore.Lookup lookup = lookup(url);
            CacheStore.Found found = together(store.invalidation(List.of(url), List.of()), lookup, lookup);
            assertThat(found.entry()).isNull();
            assertThat(store.store(storePlan(url, found.redisMicros()))).as("round %d", i).isTrue();
        }
    }

    @Test
    void anInvalidationRightAfterTheLookupRefusesTheStore() {
        for (int i = 0; i < ROUNDS; i++) {
            String url = keys.urlKey("/before/" + i, "", null);
            CacheStore.Lookup lookup = lookup(url);
            CacheStore.Found found = together(lookup, store.invalidation(List.of(url), List.of()), lookup);
            assertThat(store.store(storePlan(url, found.redisMicros()))).as("round %d", i).isFalse();
        }
    }

    @Test
    void aTagPurgeIsOrderedTheSameWay() {
        for (int i = 0; i < ROUNDS; i++) {
            String url = keys.urlKey("/tagged/" + i, "", null);
            String tag = "t" + i;
            CacheStore.Invalidation purge = store.new Invalidation(List.of(), List.of(CacheKeys.tagPurged(keys.tag(tag))));
            CacheStore.Lookup after = lookup(url);
            CacheStore.Found found = together(purge, after, after);
            assertThat(client.send(store.new TagIndex(url, List.of(tag), 60_000, found.redisMicros())))
                    .as("purged before the lookup, round %d", i).isTrue();
            CacheStore.Lookup before = lookup(url);
            found = together(before, purge, before);
            assertThat(client.send(store.new TagIndex(url, List.of(tag), 60_000, found.redisMicros())))
                    .as("purged after the lookup, round %d", i).isFalse();
        }
    }

    @Test
    void markersInMillisecondsFromAnEarlierVersionStillRefuseLaterStoresOnly() {
        String url = keys.urlKey("/legacy", "", null);
        String marker = CacheKeys.invalidated(keys.base(url));
        long redisMillis = REDIS.process().timeMillis();
        try (Jedis j = REDIS.process().admin()) {
            j.psetex(marker, 60_000, Long.toString(redisMillis + 60_000)); // an invalidation "after" any lookup now
            CacheStore.Found found = store.lookup(lookup(url));
            assertThat(store.store(storePlan(url, found.redisMicros()))).isFalse();
            j.psetex(marker, 60_000, Long.toString(redisMillis - 1)); // one before the lookup
            found = store.lookup(lookup(url));
            assertThat(store.store(storePlan(url, found.redisMicros()))).isTrue();
            j.psetex(marker, 60_000, "garbage"); // unreadable: refuses rather than risk a resurrection
            j.del(keys.base(url));
            found = store.lookup(lookup(url));
            assertThat(store.store(storePlan(url, found.redisMicros()))).isFalse();
        }
    }
}
