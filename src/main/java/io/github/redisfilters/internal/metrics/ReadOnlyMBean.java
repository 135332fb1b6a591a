package io.github.redisfilters.internal.metrics;

import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;

/**
 * A JMX MBean whose read-only attributes are a map computed on every read (a filter's counters,
 * a client's pool and breaker figures), so new attributes appear without re-registration.
 */
final class ReadOnlyMBean implements DynamicMBean {
    private final String className;
    private final String description;
    private final Supplier<Map<String, Object>> attributes;

    ReadOnlyMBean(String className, String description, Supplier<Map<String, Object>> attributes) {
        this.className = className;
        this.description = description;
        this.attributes = attributes;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Map<String, Object> values = attributes.get();
        if (!values.containsKey(attribute)) {
            throw new AttributeNotFoundException(attribute);
        }
        return values.get(attribute);
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("attributes are read-only");
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        Map<String, Object> values = attributes.get();
        for (String a : names) {
            if (values.containsKey(a)) {
                list.add(new Attribute(a, values.get(a)));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList list) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(actionName);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        Map<String, Object> values = attributes.get();
        MBeanAttributeInfo[] infos = new MBeanAttributeInfo[values.size()];
        int i = 0;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String type = e.getValue() == null ? String.class.getName() : e.getValue().getClass().getName();
            infos[i++] = new MBeanAttributeInfo(e.getKey(), type, e.getKey(), true, false, false);
        }
        return new MBeanInfo(className, description, infos, null, new MBeanOperationInfo[0], null);
    }
}
