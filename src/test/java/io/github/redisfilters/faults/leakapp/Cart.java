package io.github.redisfilters.faults.leakapp;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A session attribute whose class belongs to the webapp (read back through the codec's allow-list). */
public final class Cart implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<String> items;

    public Cart() {
        this(List.of());
    }

    private Cart(List<String> items) {
        this.items = List.copyOf(items);
    }

    public Cart with(String item) {
        List<String> more = new ArrayList<>(items);
        more.add(item == null ? "-" : item);
        return new Cart(more);
    }

    @Override
    public String toString() {
        return "cart" + items;
    }
}
