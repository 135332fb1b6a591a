package io.github.redisfilters.session;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Jackson JSON: {@code <class name>\n<json>}. The top-level class and every polymorphic nested
 * type must pass the allow-list before Jackson instantiates anything.
 */
final class JsonCodec implements SessionAttributeCodec {
    private final Codecs.AllowList allowList;
    private final ObjectMapper mapper;

    JsonCodec(List<String> allowed) {
        this.allowList = new Codecs.AllowList(allowed);
        PolymorphicTypeValidator ptv = BasicPolymorphicTypeValidator.builder()
                .allowIfSubType(new BasicPolymorphicTypeValidator.TypeMatcher() {
                    @Override
                    public boolean match(com.fasterxml.jackson.databind.cfg.MapperConfig<?> config, Class<?> clazz) {
                        return allowList.allows(clazz.getName());
                    }
                })
                .build();
        this.mapper = JsonMapper.builder()
                .activateDefaultTyping(ptv, ObjectMapper.DefaultTyping.NON_FINAL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .findAndAddModules()
                .build();
    }

    @Override
    public byte[] encode(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("null values are removed, not stored");
        }
        try {
            String json = mapper.writerFor(value.getClass()).writeValueAsString(value);
            return (value.getClass().getName() + "\n" + json).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
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
