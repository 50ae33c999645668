package io.pointsman.proxy.config.load;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one YAML file into a {@link YamlNode} tree with file and line on every node.
 * Uses SnakeYAML's composer (the node graph, before any Java objects are built), so
 * scalar types are exactly what YAML resolved: a quoted {@code "5"} stays a string.
 */
final class YamlReader {
    private final String file;
    private final Problems problems;
    /** Nodes being converted, to stop at a recursive alias instead of overflowing the stack. */
    private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());

    private YamlReader(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The file's top-level map; an empty file is an empty map; null after a syntax error (reported). */
    static YamlNode.MapNode read(String file, String text, Problems problems) {
        return new YamlReader(file, problems).read(text);
    }

    private YamlNode.MapNode read(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 1 : mark.getLine() + 1;
            String problem = e.getProblem() != null ? e.getProblem() : "bad YAML";
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            problems.add(new YamlNode.Location(file, line), "", "syntax error: " + problem + context);
            return null;
        } catch (YAMLException e) {
            problems.add(new YamlNode.Location(file, 1), "", "syntax error: " + e.getMessage());
            return null;
        }
        if (root == null) {
            return YamlNode.MapNode.empty(new YamlNode.Location(file, 1));
        }
        YamlNode node = convert(root, Path.ROOT);
        if (node instanceof YamlNode.NullNode) {
            return YamlNode.MapNode.empty(node.location());
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problems.add(node.location(), "", "the top level must be a map (version: 1, frontends: ..., ...), got " + node.kind());
            return null;
        }
        return map;
    }

    private YamlNode.Location at(Node node) {
        return new YamlNode.Location(file, node.getStartMark().getLine() + 1);
    }

    private YamlNode convert(Node node, Path path) {
        if (!open.add(node)) {
            problems.add(at(node), path.text(), "an alias refers to a node that contains it (recursive alias)");
            return new YamlNode.NullNode(at(node));
        }
        try {
            return convertOnce(node, path);
        } finally {
            open.remove(node);
        }
    }

    private YamlNode convertOnce(Node node, Path path) {
        if (node instanceof MappingNode m) {
            Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
            List<YamlNode.MapNode> merged = new ArrayList<>();
            for (NodeTuple t : m.getValue()) {
                Node k = t.getKeyNode();
                YamlNode.Location keyAt = at(k);
                if (Tag.MERGE.equals(k.getTag())) {
                    merged.addAll(mergeSources(t.getValueNode(), path.child("<<")));
                    continue;
                }
                if (!(k instanceof ScalarNode ks)) {
                    problems.add(keyAt, path.text(), "a map key must be a plain value, not a map or list");
                    continue;
                }
                String key = ks.getValue();
                if (entries.containsKey(key)) {
                    problems.add(keyAt, Paths.child(path.text(), key), "duplicate key '" + key + "' (first at line "
                            + entries.get(key).keyLocation().line() + ")");
                    continue;
                }
                entries.put(key, new YamlNode.Entry(key, keyAt, convert(t.getValueNode(), path.child(key))));
            }
            // YAML merge keys (<<: *anchor): keys written here win over merged ones.
            for (YamlNode.MapNode source : merged) {
                for (YamlNode.Entry e : source.entries().values()) {
                    entries.putIfAbsent(e.key(), e);
                }
            }
            return new YamlNode.MapNode(at(m), entries);
        }
        if (node instanceof SequenceNode s) {
            List<YamlNode> items = new ArrayList<>();
            for (Node n : s.getValue()) {
                items.add(convert(n, path.index(items.size())));
            }
            return new YamlNode.ListNode(at(s), items);
        }
        ScalarNode s = (ScalarNode) node;
        String text = s.getValue();
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) {
            return new YamlNode.NullNode(at(s));
        }
        return YamlNode.ScalarNode.plain(at(s), typed(tag, text), text);
    }

    /**
     * Where a node is, as {@link Paths} would spell it, built only when a problem is
     * reported: most files have none, and a 10,000-server file has some 100,000 nodes.
     */
    private record Path(Path parent, String key, int index) {
        static final Path ROOT = new Path(null, null, -1);

        Path child(String k) {
            return new Path(this, k, -1);
        }

        Path index(int i) {
            return new Path(this, null, i);
        }

        String text() {
            if (parent == null) {
                return "";
            }
            return key != null ? Paths.child(parent.text(), key) : Paths.index(parent.text(), index);
        }
    }

    /** The maps of a merge key's value: one map, or a list of maps (earlier ones win). */
    private List<YamlNode.MapNode> mergeSources(Node value, Path path) {
        List<YamlNode.MapNode> out = new ArrayList<>();
        List<Node> nodes = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
        for (Node n : nodes) {
            if (convert(n, path) instanceof YamlNode.MapNode map) {
                out.add(map);
            } else {
                problems.add(at(n), path.text(), "a merge key (<<) needs a map or a list of maps");
            }
        }
        return out;
    }

    private static Object typed(Tag tag, String text) {
        try {
            if (Tag.BOOL.equals(tag)) {
                return switch (text.toLowerCase()) {
                    case "true", "yes", "on" -> true;
                    default -> false;
                };
            }
            if (Tag.INT.equals(tag)) {
                return integer(text.replace("_", ""));
            }
            if (Tag.FLOAT.equals(tag)) {
                return Double.parseDouble(text.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            // YAML 1.1 forms Java does not parse (sexagesimal 1:30): keep the text
        }
        return text;
    }

    private static Object integer(String s) {
        int sign = 1;
        if (s.startsWith("-") || s.startsWith("+")) {
            sign = s.startsWith("-") ? -1 : 1;
            s = s.substring(1);
        }
        BigInteger v;
        if (s.startsWith("0x")) {
            v = new BigInteger(s.substring(2), 16);
        } else if (s.startsWith("0b")) {
            v = new BigInteger(s.substring(2), 2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            v = new BigInteger(s.substring(1), 8);
        } else {
            v = new BigInteger(s);
        }
        if (sign < 0) {
            v = v.negate();
        }
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
