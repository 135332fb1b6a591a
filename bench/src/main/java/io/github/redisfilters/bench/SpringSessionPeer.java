package io.github.redisfilters.bench;

import jakarta.servlet.Filter;
import java.net.URI;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * Peer: Spring Session's {@code SessionRepositoryFilter} over {@code RedisSessionRepository},
 * wired by hand as a plain-servlet application would without Spring Boot: Lettuce connection
 * factory (Spring Data Redis' default driver, one shared multiplexed connection), String keys,
 * JDK-serialized attribute values (Spring Session's default), flush on save.
 */
final class SpringSessionPeer {
    private SpringSessionPeer() {
    }

    static Filter filter(String redisUrl, String namespace) {
        URI u = URI.create(redisUrl);
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(u.getHost(), u.getPort()));
        factory.afterPropertiesSet();
        if (!factory.isRunning()) {
            factory.start();
        }
        RedisTemplate<String, Object> template = new RedisTemplate<>();
        template.setConnectionFactory(factory);
        template.setKeySerializer(RedisSerializer.string());
        template.setHashKeySerializer(RedisSerializer.string());
        template.afterPropertiesSet();
        RedisSessionRepository repository = new RedisSessionRepository(template);
        repository.setRedisKeyNamespace(namespace);
        return new SessionRepositoryFilter<>(repository);
    }
}
