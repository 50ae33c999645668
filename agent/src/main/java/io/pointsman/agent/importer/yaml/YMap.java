package io.pointsman.agent.importer.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An ordered map; each entry may carry a comment (written after a scalar, above anything else). */
public final class YMap implements YNode {
    /** One entry. */
    public record Entry(String key, YNode value, String comment) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public YMap put(String key, YNode value, String comment) {
        entries.put(key, new Entry(key, value, comment));
        return this;
    }

    public YMap put(String key, YNode value) {
        return put(key, value, null);
    }

    public YMap put(String key, Object scalar, String comment) {
        return put(key, YNode.of(scalar), comment);
    }

    public YMap put(String key, Object scalar) {
        return put(key, YNode.of(scalar), null);
    }

    public YNode get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.value();
    }

    public Entry entry(String key) {
        return entries.get(key);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public void remove(String key) {
        entries.remove(key);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** The child map under {@code key}, created (empty) when missing. */
    public YMap map(String key) {
        YNode n = get(key);
        if (n instanceof YMap m) {
            return m;
        }
        YMap m = new YMap();
        put(key, m);
        return m;
    }

    /** The child list under {@code key}, created (empty) when missing. */
    public YList list(String key) {
        YNode n = get(key);
        if (n instanceof YList l) {
            return l;
        }
        YList l = new YList();
        put(key, l);
        return l;
    }
}
