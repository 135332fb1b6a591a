package io.github.redisfilters.demo;

import io.github.redisfilters.client.RedisSettings;
import io.github.redisfilters.client.SharedRedisClient;
import io.github.redisfilters.config.ConfigException;
import io.github.redisfilters.jwt.TokenBlacklist;
import io.github.redisfilters.session.RedisSessions;
import jakarta.servlet.ServletContext;

/** What the demo servlets share: the catalogue, token issuing/verification and the library's APIs. */
final class DemoServices {
    private static final String ATTRIBUTE = DemoServices.class.getName();

    private final ServletContext context;
    private final SharedRedisClient redis;
    private final Catalog catalog;
    private final DemoTokens tokens;
    private final BearerAuth auth;

    private DemoServices(ServletContext context, SharedRedisClient redis, String keyPrefix) {
        this.context = context;
        this.redis = redis;
        this.catalog = new Catalog(redis, keyPrefix);
        this.tokens = DemoTokens.forContext(context);
        this.auth = new BearerAuth(tokens);
    }

    static DemoServices start(ServletContext ctx) {
        RedisSettings settings;
        try {
            settings = RedisSettings.forContext(ctx, "demo");
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        DemoServices s = new DemoServices(ctx, SharedRedisClient.acquire(ctx, settings), settings.keyPrefix());
        ctx.setAttribute(ATTRIBUTE, s);
        return s;
    }

    void stop(ServletContext ctx) {
        ctx.removeAttribute(ATTRIBUTE);
        SharedRedisClient.release(ctx, redis);
    }

    static DemoServices of(ServletContext ctx) {
        DemoServices s = (DemoServices) ctx.getAttribute(ATTRIBUTE);
        if (s == null) {
            throw new IllegalStateException("DemoApplication listener is not declared in web.xml");
        }
        return s;
    }

    Catalog catalog() {
        return catalog;
    }

    DemoTokens tokens() {
        return tokens;
    }

    BearerAuth auth() {
        return auth;
    }

    /** Published by the JwtBlacklistFilter when it starts. */
    TokenBlacklist blacklist() {
        return TokenBlacklist.from(context);
    }

    /** Published by the RedisSessionFilter when it starts. */
    RedisSessions sessions() {
        return RedisSessions.from(context);
    }
}
