package io.github.redisfilters.session;

import java.util.ArrayList;
import java.util.List;

/** The built-in codecs and the class-name lookup of custom ones. */
final class Codecs {
    /** Always readable: plain JDK value types and collections. */
    static final List<String> DEFAULT_ALLOWED = List.of("java.lang.", "java.util.", "java.time.", "java.math.");
    /** Never readable even under an allowed prefix (deserialisation gadgets live here). */
    static final List<String> ALWAYS_DENIED = List.of("java.lang.invoke.", "java.lang.reflect.", "java.lang.ProcessBuilder",
            "java.lang.Runtime", "java.lang.Thread", "java.lang.ClassLoader", "java.util.concurrent.", "java.util.logging.",
            "java.util.jar.", "java.util.zip.", "java.util.Timer");

    private Codecs() {
    }

    /** Deepest object nesting the built-in codecs read (see {@link JdkSerializationCodec}). */
    static final int MAX_DEPTH = 16;
    /** Most object references one JDK-serialized value may hold. */
    static final int MAX_REFERENCES = 100_000;
    /** Deepest JSON nesting the {@code json} codec reads (each typed value adds a level). */
    static final int MAX_JSON_DEPTH = 64;

    /** The codec of that name, reading values of at most the default {@code maxSessionSize}. */
    static SessionAttributeCodec named(String name, List<String> allowed) {
        return named(name, allowed, RedisSessionConfig.DEFAULT_MAX_SESSION_SIZE);
    }

    /**
     * The codec of that name.
     *
     * @param maxBytes the most bytes one stored value may have; also bounds array lengths
     */
    static SessionAttributeCodec named(String name, List<String> allowed, long maxBytes) {
        String n = name == null ? "" : name.trim();
        switch (n) {
            case "jdk":
                return new JdkSerializationCodec(allowed, maxBytes);
            case "json":
                return new JsonCodec(allowed, maxBytes);
            default:
                try {
                    Class<?> c = Class.forName(n, true, contextLoader());
                    if (!SessionAttributeCodec.class.isAssignableFrom(c)) {
                        throw new IllegalArgumentException("codec '" + n + "' does not implement " + SessionAttributeCodec.class.getName());
                    }
                    return (SessionAttributeCodec) c.getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException | LinkageError e) {
                    throw new IllegalArgumentException("codec must be jdk, json or the class name of a "
                            + SessionAttributeCodec.class.getSimpleName() + " with a public no-arg constructor, got '" + n + "'");
                }
        }
    }

    static ClassLoader contextLoader() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : Codecs.class.getClassLoader();
    }

    /** Matches class names against the default and configured allow-list. */
    static final class AllowList {
        private final List<String> prefixes = new ArrayList<>();
        private final List<String> exact = new ArrayList<>();

        AllowList(List<String> configured) {
            prefixes.addAll(DEFAULT_ALLOWED);
            for (String c : configured) {
                if (c.endsWith(".")) {
                    prefixes.add(c);
                } else {
                    exact.add(c);
                }
            }
        }

        boolean allows(String className) {
            String n = className;
            while (n.startsWith("[")) {
                n = n.substring(1);
            }
            if (n.startsWith("L") && n.endsWith(";")) {
                n = n.substring(1, n.length() - 1);
            } else if (n.length() == 1) {
                return true; // primitive array component
            }
            for (String d : ALWAYS_DENIED) {
                if (n.startsWith(d) && !allowedConcurrent(n)) {
                    return false;
                }
            }
            if (exact.contains(n)) {
                return true;
            }
            for (String p : prefixes) {
                if (n.startsWith(p)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean allowedConcurrent(String n) {
            // plain concurrent collections are common session values; executors and locks are not
            return n.equals("java.util.concurrent.ConcurrentHashMap") || n.equals("java.util.concurrent.CopyOnWriteArrayList")
                    || n.startsWith("java.util.concurrent.ConcurrentHashMap$") || n.equals("java.util.concurrent.atomic.AtomicInteger")
                    || n.equals("java.util.concurrent.atomic.AtomicLong") || n.equals("java.util.concurrent.ConcurrentSkipListMap")
                    // ConcurrentHashMap's serial form still carries its legacy lock-based segments
                    || n.startsWith("java.util.concurrent.locks.ReentrantLock")
                    || n.equals("java.util.concurrent.locks.AbstractQueuedSynchronizer")
                    || n.equals("java.util.concurrent.locks.AbstractOwnableSynchronizer");
        }
    }
}
