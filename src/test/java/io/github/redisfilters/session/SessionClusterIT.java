package io.github.redisfilters.session;

import static io.github.redisfilters.session.RedisSessionFilterIT.cookie;
import static io.github.redisfilters.session.RedisSessionFilterIT.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisClusterGroup;
import io.github.redisfilters.testing.ServletContainer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/** changeSessionId and the principal index on a 3-master Redis Cluster (no CROSSSLOT, no RENAME). */
class SessionClusterIT {
    static RedisClusterGroup cluster;
    static ServletContainer app;

    @BeforeAll
    static void start() {
        cluster = RedisClusterGroup.start(false);
        app = ContainerKind.JETTY.start(SessionTestApp.app("redisClusterNodes", cluster.seedsParam(),
                Map.of("principalAttribute", "user")));
    }

    @AfterAll
    static void stop() {
        app.close();
        cluster.close();
    }

    @Test
    void loginChangesTheIdAcrossSlotsKeepingTheDataAndDroppingTheOldId() {
        Set<Integer> slotPairsDiffer = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            String anon = sessionId(Http.get(app.uri("/s/set?name=cart&value=" + i)));
            var login = Http.get(app.uri("/s/login?name=dave"), cookie(anon));
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.body()).isEqualTo("changed");
            String fresh = sessionId(login);
            if (JedisClusterCRC16.getSlot("{" + anon + "}") != JedisClusterCRC16.getSlot("{" + fresh + "}")) {
                slotPairsDiffer.add(i);
            }
            assertThat(Http.get(app.uri("/s/get?name=cart"), cookie(fresh)).body()).isEqualTo(String.valueOf(i));
            assertThat(Http.get(app.uri("/s/get?name=user"), cookie(fresh)).body()).isEqualTo("dave");
            assertThat(Http.get(app.uri("/s/get?name=cart"), cookie(anon)).body()).isEqualTo("no-session");
        }
        assertThat(slotPairsDiffer).as("old and new ids were in different slots").isNotEmpty();
        assertThat(Http.get(app.uri("/s/find?name=dave")).body()).isEqualTo("5");
        assertThat(Http.get(app.uri("/s/logoutAll?name=dave")).body()).isEqualTo("5");
        assertThat(Http.get(app.uri("/s/find?name=dave")).body()).isEqualTo("0");
        assertThat(cluster.totalKeys()).isZero();
    }
}
