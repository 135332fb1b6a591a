package io.github.redisfilters.metrics;

import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;

/** Exposes one filter's counters as read-only JMX attributes (one {@code long} per counter). */
final class FilterMetricsMBean implements DynamicMBean {
    private final FilterMetrics metrics;

    FilterMetricsMBean(FilterMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Map<String, Long> snapshot = metrics.snapshot();
        if (!snapshot.containsKey(attribute)) {
            if (attribute.equals("kind")) {
                return metrics.kind();
            }
            throw new AttributeNotFoundException(attribute);
        }
        return snapshot.get(attribute);
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("counters are read-only");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        Map<String, Long> snapshot = metrics.snapshot();
        for (String a : attributes) {
            if (snapshot.containsKey(a)) {
                list.add(new Attribute(a, snapshot.get(a)));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(actionName);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        Map<String, Long> snapshot = metrics.snapshot();
        MBeanAttributeInfo[] attrs = new MBeanAttributeInfo[snapshot.size() + 1];
        int i = 0;
        attrs[i++] = new MBeanAttributeInfo("kind", "java.lang.String", "filter kind", true, false, false);
        for (String name : snapshot.keySet()) {
            attrs[i++] = new MBeanAttributeInfo(name, "long", "counter " + name, true, false, false);
        }
        return new MBeanInfo(FilterMetrics.class.getName(), "counters of filter '" + metrics.filterName() + "'",
                attrs, null, new MBeanOperationInfo[0], null);
    }
}
