package io.pointsman.proxy.config.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written: the file and 1-based line. Maps keep
 * each key's line too, because an error about a key should point at that key. The tree
 * is what host overrides are merged on and what records are bound from, so every value
 * keeps its origin (proxy.yaml or hosts/NODE.yaml) through the merge.
 */
public sealed interface YamlNode permits YamlNode.MapNode, YamlNode.ListNode, YamlNode.ScalarNode, YamlNode.NullNode {

    /** Where a node or key was written. */
    record Location(String file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    Location location();

    /** What kind of value this is, for messages such as "expected a number, got a list". */
    String kind();

    /** A key and its value; {@code keyLocation} is where the key was written. */
    record Entry(String key, Location keyLocation, YamlNode value) {
    }

    /** A mapping; keys are unique and in document order. */
    record MapNode(Location location, Map<String, Entry> entries) implements YamlNode {
        public MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public static MapNode empty(Location location) {
            return new MapNode(location, Map.of());
        }

        public YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        @Override
        public String kind() {
            return "a map";
        }
    }

    /** A sequence. */
    record ListNode(Location location, List<YamlNode> items) implements YamlNode {
        public ListNode {
            items = List.copyOf(new ArrayList<>(items));
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * A scalar with the type YAML gave it: {@link String}, {@link Long} (or
     * {@link java.math.BigInteger}), {@link Double} or {@link Boolean}. {@code text} is
     * what was written (after secret resolution). A scalar that holds a resolved secret
     * has {@code secret} set and {@code redacted} is its text with each resolved part
     * shown as {@code <redacted>}; such a value is never put into a message.
     */
    record ScalarNode(Location location, Object value, String text, boolean secret, String redacted) implements YamlNode {
        public static ScalarNode plain(Location location, Object value, String text) {
            return new ScalarNode(location, value, text, false, text);
        }

        /** The value as it may appear in a message: a string quoted, a number as is, a secret as {@code <redacted>}. */
        public String shown() {
            if (secret) {
                return Redactor.REDACTED;
            }
            return value instanceof String ? "'" + text + "'" : text;
        }

        @Override
        public String kind() {
            if (value instanceof String) {
                return "a string";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            return "a number";
        }

        @Override
        public String toString() {
            // Never print a resolved secret, even by accident.
            return "ScalarNode[" + location + ", " + (secret ? redacted : text) + "]";
        }
    }

    /** An explicit or empty null ({@code key:}, {@code key: null}, {@code ~}). */
    record NullNode(Location location) implements YamlNode {
        @Override
        public String kind() {
            return "null";
        }
    }
}
