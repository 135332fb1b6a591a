package io.github.redisfilters.testing;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Annotation instances with values chosen at run time (annotations in source are compile-time
 * constants): a dynamic proxy answering each attribute from a map, else with its default.
 */
public final class AnnotationInstances {
    private AnnotationInstances() {
    }

    /**
     * An {@code A} with these attribute values and defaults for the others.
     *
     * @throws IllegalArgumentException for an unknown attribute or a missing one without default
     */
    public static <A extends Annotation> A of(Class<A> type, Map<String, ?> values) {
        for (String name : values.keySet()) {
            attribute(type, name);
        }
        for (Method m : type.getDeclaredMethods()) {
            if (m.getDefaultValue() == null && !values.containsKey(m.getName())) {
                throw new IllegalArgumentException("@" + type.getSimpleName() + " needs " + m.getName());
            }
        }
        Object instance = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) ->
                switch (m.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> "@" + type.getSimpleName() + values;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> value(m, values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue());
                });
        return type.cast(instance);
    }

    private static Method attribute(Class<?> type, String name) {
        try {
            return type.getDeclaredMethod(name);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("@" + type.getSimpleName() + " has no attribute " + name, e);
        }
    }

    /** Numbers as the attribute's type (a map holds 0 as an Integer where the attribute is a long). */
    private static Object value(Method m, Object v) {
        if (v instanceof Number n) {
            if (m.getReturnType() == long.class) {
                return n.longValue();
            }
            if (m.getReturnType() == int.class) {
                return n.intValue();
            }
        }
        return v;
    }
}
