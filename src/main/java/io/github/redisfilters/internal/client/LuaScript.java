package io.github.redisfilters.internal.client;

import io.github.redisfilters.client.SharedRedisClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script loaded once from a classpath resource. Run it with
 * {@link SharedRedisClient#eval(LuaScript, java.util.List, java.util.List)}, which uses
 * {@code EVALSHA} and falls back to {@code EVAL} (re-caching the script) on {@code NOSCRIPT}.
 */
public final class LuaScript {
    private final String name;
    private final String source;
    private final String sha1;
    private final byte[] sha1Bytes;
    private final byte[] sourceBytes;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1Hex(source);
        this.sha1Bytes = sha1.getBytes(StandardCharsets.US_ASCII);
        this.sourceBytes = source.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Loads {@code resource} relative to {@code anchor}'s package (e.g. {@code lua/fixed_window.lua}).
     *
     * @throws IllegalStateException if the resource is missing (a packaging error)
     */
    public static LuaScript fromResource(Class<?> anchor, String resource) {
        return new LuaScript(resource, read(anchor, resource));
    }

    /**
     * One script made of {@code resources} in order (Redis scripts cannot load one another: a
     * function several scripts need is kept in a resource of its own and put before each), named
     * after the last one.
     *
     * @throws IllegalStateException if a resource is missing (a packaging error)
     */
    public static LuaScript fromResources(Class<?> anchor, String... resources) {
        StringBuilder source = new StringBuilder();
        for (String r : resources) {
            source.append(read(anchor, r));
            if (source.length() > 0 && source.charAt(source.length() - 1) != '\n') {
                source.append('\n');
            }
        }
        return new LuaScript(resources[resources.length - 1], source.toString());
    }

    private static String read(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Lua script resource '" + resource + "' not found next to " + anchor.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A script from source text (tests and benchmarks). */
    public static LuaScript of(String name, String source) {
        return new LuaScript(name, source);
    }

    /** The script's resource name, for logs. */
    public String name() {
        return name;
    }

    /** The Lua source, sent with {@code EVAL} after {@code NOSCRIPT}. */
    public String source() {
        return source;
    }

    /** Lower-case hex SHA-1, as Redis computes it. */
    public String sha1() {
        return sha1;
    }

    /** {@link #sha1()} as bytes (the same array every time: callers must not change it). */
    public byte[] sha1Bytes() {
        return sha1Bytes;
    }

    /** {@link #source()} as UTF-8 bytes (the same array every time: callers must not change it). */
    public byte[] sourceBytes() {
        return sourceBytes;
    }

    private static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
