package io.github.redisfilters.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Java serialization behind an {@link ObjectInputFilter} (the default codec): an allow-list of
 * classes, and limits on nesting depth ({@value Codecs#MAX_DEPTH}), object references
 * ({@value Codecs#MAX_REFERENCES}), stream bytes and array lengths (both at most the configured
 * {@code maxSessionSize}). The depth limit is what stops hash-amplification payloads such as
 * nested {@code HashSet}s sharing their members ("SerialDOS"): reading one costs about 2^depth
 * hash computations (1.4 KB at depth 25 took 4 s), so at depth 16 the worst is a few
 * milliseconds, and anything deeper is refused after reading at most 17 levels.
 */
final class JdkSerializationCodec implements SessionAttributeCodec {
    private final Codecs.AllowList allowList;
    private final ObjectInputFilter filter;
    private final long maxBytes;

    JdkSerializationCodec(List<String> allowed) {
        this(allowed, RedisSessionConfig.DEFAULT_MAX_SESSION_SIZE);
    }

    JdkSerializationCodec(List<String> allowed, long maxBytes) {
        this.allowList = new Codecs.AllowList(allowed);
        this.maxBytes = maxBytes;
        this.filter = info -> {
            if (info.depth() > Codecs.MAX_DEPTH || info.references() > Codecs.MAX_REFERENCES
                    || info.streamBytes() > maxBytes || info.arrayLength() > maxBytes) {
                return ObjectInputFilter.Status.REJECTED;
            }
            Class<?> c = info.serialClass();
            if (c == null) {
                return ObjectInputFilter.Status.UNDECIDED;
            }
            return allowList.allows(c.getName()) ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
        };
    }

    @Override
    public void check(Object value) {
        if (value != null && !(value instanceof Serializable)) {
            throw new IllegalArgumentException("session attribute value of type " + value.getClass().getName()
                    + " is not java.io.Serializable (required by the jdk session codec)");
        }
    }

    @Override
    public byte[] encode(Object value) {
        check(value);
        byte[] fast = SerialForms.encode(value);
        if (fast != null) {
            return fast;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialise a " + value.getClass().getName() + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
        if (bytes.length > maxBytes) {
            throw new InvalidClassException("session value of " + bytes.length + " bytes is over the " + maxBytes
                    + "-byte limit");
        }
        Object fast = SerialForms.decode(bytes); // java.lang value types: always allowed
        if (fast != null) {
            return fast;
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                if (!allowList.allows(desc.getName())) {
                    throw new InvalidClassException(desc.getName(), "not in the session codec allow-list");
                }
                try {
                    return Class.forName(desc.getName(), false, Codecs.contextLoader());
                } catch (ClassNotFoundException e) {
                    return super.resolveClass(desc);
                }
            }
        }) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
