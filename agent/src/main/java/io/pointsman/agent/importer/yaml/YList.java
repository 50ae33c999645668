package io.pointsman.agent.importer.yaml;

import java.util.ArrayList;
import java.util.List;

/** A list; each item may carry a comment. */
public final class YList implements YNode {
    /** One item. */
    public record Item(YNode value, String comment) {
    }

    private final List<Item> items = new ArrayList<>();

    public YList add(YNode value, String comment) {
        items.add(new Item(value, comment));
        return this;
    }

    public YList add(YNode value) {
        return add(value, null);
    }

    public YList add(Object scalar) {
        return add(YNode.of(scalar), null);
    }

    public List<Item> items() {
        return List.copyOf(items);
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int size() {
        return items.size();
    }

    /** Removes and returns item {@code index}. */
    public Item remove(int index) {
        return items.remove(index);
    }
}
