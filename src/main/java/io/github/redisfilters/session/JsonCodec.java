package io.github.redisfilters.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Jackson JSON: {@code <class name>\n<json>}. The top-level class and every polymorphic nested
 * type must pass the allow-list before Jackson instantiates anything.
 */
final class JsonCodec implements SessionAttributeCodec {
    private final Codecs.AllowList allowList;
    private final ObjectMapper mapper;
    private final long maxBytes;

    JsonCodec(List<String> allowed) {
        this(allowed, RedisSessionConfig.DEFAULT_MAX_SESSION_SIZE);
    }

    /**
     * @param maxBytes the most bytes one stored value may have: longer input is refused before
     *                 parsing, and Jackson's stream-read constraints bound documents, strings and
     *                 names to it and nesting to {@value Codecs#MAX_JSON_DEPTH}
     */
    JsonCodec(List<String> allowed, long maxBytes) {
        this.allowList = new Codecs.AllowList(allowed);
        this.maxBytes = maxBytes;
        int max = (int) Math.min(Integer.MAX_VALUE, maxBytes);
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Codecs.MAX_JSON_DEPTH)
                        .maxDocumentLength(maxBytes).maxStringLength(max).maxNameLength(Math.min(max, 50_000))
                        .maxNumberLength(1000).build())
                .build();
        PolymorphicTypeValidator ptv = BasicPolymorphicTypeValidator.builder()
                .allowIfSubType(new BasicPolymorphicTypeValidator.TypeMatcher() {
                    @Override
                    public boolean match(com.fasterxml.jackson.databind.cfg.MapperConfig<?> config, Class<?> clazz) {
                        return allowList.allows(clazz.getName());
                    }
                })
                .build();
        this.mapper = JsonMapper.builder(factory)
                .activateDefaultTyping(ptv, ObjectMapper.DefaultTyping.NON_FINAL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .findAndAddModules()
                .addModule(new SimpleModule("session-codec-allow-list").addDeserializer(Class.class, classes(allowList)))
                .build();
    }

    /**
     * Jackson reads a {@code Class} from its name with {@code Class.forName(name, true, …)}: any
     * class on the class path, initialised, whatever the allow-list says. This one keeps to it.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static JsonDeserializer<Class> classes(Codecs.AllowList allowList) {
        return new StdScalarDeserializer<Class>(Class.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Class deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String name = p.getValueAsString();
                Class<?> primitive = name == null ? null : PRIMITIVES.get(name);
                if (primitive != null) {
                    return primitive;
                }
                if (name == null || !allowList.allows(name)) {
                    throw InvalidFormatException.from(p, "class is not in the session codec allow-list", name, Class.class);
                }
                try {
                    return Class.forName(name, false, Codecs.contextLoader());
                } catch (ClassNotFoundException e) {
                    throw InvalidFormatException.from(p, "class not found", name, Class.class);
                }
            }
        };
    }

    private static final Map<String, Class<?>> PRIMITIVES = Map.of("boolean", boolean.class, "byte", byte.class,
            "char", char.class, "short", short.class, "int", int.class, "long", long.class, "float", float.class,
            "double", double.class, "void", void.class);

    @Override
    public byte[] encode(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("null values are removed, not stored");
        }
        try {
            String json = escapeLoneSurrogates(mapper.writerFor(value.getClass()).writeValueAsString(value));
            return (value.getClass().getName() + "\n" + json).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Jackson writes an unpaired surrogate of a string as it is, which UTF-8 cannot hold (it became
     * {@code ?}); such a char can only be inside a JSON string, where its escape is read back as is.
     */
    static String escapeLoneSurrogates(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(json.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(json.length() + 16).append(json, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? json : out.toString();
    }

    @Override
    public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
        if (bytes.length > maxBytes) {
            throw new IOException("session value of " + bytes.length + " bytes is over the " + maxBytes + "-byte limit");
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        if (nl <= 0) {
            throw new IOException("not a JSON session attribute");
        }
        String type = s.substring(0, nl);
        if (!allowList.allows(type)) {
            throw new ClassNotFoundException(type + " is not in the session codec allow-list");
        }
        Class<?> c = Class.forName(type, false, Codecs.contextLoader());
        return mapper.readerFor(c).readValue(s.substring(nl + 1));
    }
}
