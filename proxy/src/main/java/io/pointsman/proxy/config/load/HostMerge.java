package io.pointsman.proxy.config.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deep-merges {@code hosts/<node>.yaml} over {@code proxy.yaml} (SPEC §2): maps key by
 * key; lists of named objects by {@code name} (a new name is appended,
 * {@code {name: X, delete: true}} removes X); any other value replaces; {@code null}
 * deletes the key. Merged nodes keep the file and line they came from.
 */
final class HostMerge {
    /** Keys whose lists hold named objects, merged by name. */
    static final Set<String> NAMED_LISTS = Set.of("frontends", "backends", "listens", "servers", "acl", "vrrp_instances",
            "userlists", "users", "limits", "notify");

    private final Problems problems;

    private HostMerge(Problems problems) {
        this.problems = problems;
    }

    static YamlNode.MapNode merge(YamlNode.MapNode base, YamlNode.MapNode override, Problems problems) {
        return new HostMerge(problems).mergeMaps(base, override, "");
    }

    private YamlNode.MapNode mergeMaps(YamlNode.MapNode base, YamlNode.MapNode over, String path) {
        Map<String, YamlNode.Entry> out = new LinkedHashMap<>(base.entries());
        for (YamlNode.Entry e : over.entries().values()) {
            String key = e.key();
            String p = Paths.child(path, key);
            YamlNode.Entry old = out.get(key);
            YamlNode v = e.value();
            if (v instanceof YamlNode.NullNode) {
                out.remove(key);
            } else if (old != null && old.value() instanceof YamlNode.MapNode om && v instanceof YamlNode.MapNode nm) {
                out.put(key, new YamlNode.Entry(key, old.keyLocation(), mergeMaps(om, nm, p)));
            } else if (old != null && NAMED_LISTS.contains(key)
                    && old.value() instanceof YamlNode.ListNode ol && v instanceof YamlNode.ListNode nl) {
                out.put(key, new YamlNode.Entry(key, old.keyLocation(), mergeNamed(ol, nl, p)));
            } else if (NAMED_LISTS.contains(key) && v instanceof YamlNode.ListNode nl) {
                // Nothing to merge into: still honour (and strip) delete markers.
                out.put(key, new YamlNode.Entry(key, e.keyLocation(),
                        mergeNamed(new YamlNode.ListNode(nl.location(), List.of()), nl, p)));
            } else {
                out.put(key, e);
            }
        }
        return new YamlNode.MapNode(base.location(), out);
    }

    private YamlNode.ListNode mergeNamed(YamlNode.ListNode base, YamlNode.ListNode over, String path) {
        List<YamlNode> items = new ArrayList<>(base.items());
        Map<String, YamlNode.Location> seen = new HashMap<>();
        for (int i = 0; i < over.items().size(); i++) {
            YamlNode item = over.items().get(i);
            String p = path + "[" + i + "]";
            String name = nameOf(item);
            if (name == null) {
                problems.addUncovering(item.location(), p, "an entry of a named list in a host file needs a 'name' to merge by");
                continue;
            }
            YamlNode.Location first = seen.putIfAbsent(name, item.location());
            if (first != null) {
                problems.addUncovering(item.location(), p + ".name", "duplicate name '" + name + "' (first at line " + first.line() + ")");
                continue;
            }
            YamlNode.MapNode map = (YamlNode.MapNode) item;
            int at = indexOf(items, name);
            YamlNode.Entry delete = map.entries().get("delete");
            boolean deleting = false;
            if (delete != null) {
                if (delete.value() instanceof YamlNode.ScalarNode s && s.value() instanceof Boolean b) {
                    deleting = b;
                    Map<String, YamlNode.Entry> rest = new LinkedHashMap<>(map.entries());
                    rest.remove("delete");
                    map = new YamlNode.MapNode(map.location(), rest);
                } else {
                    problems.addUncovering(delete.keyLocation(), p + ".delete", "expected true or false, got " + delete.value().kind());
                    continue;
                }
            }
            if (deleting) {
                if (at < 0) {
                    problems.addUncovering(item.location(), p, "cannot delete '" + name + "': there is no entry of that name to delete");
                } else {
                    items.remove(at);
                }
            } else if (at < 0) {
                items.add(map);
            } else {
                items.set(at, mergeMaps((YamlNode.MapNode) items.get(at), map, p));
            }
        }
        return new YamlNode.ListNode(base.location(), items);
    }

    private static int indexOf(List<YamlNode> items, String name) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof YamlNode.MapNode && name.equals(nameOf(items.get(i)))) {
                return i;
            }
        }
        return -1;
    }

    private static String nameOf(YamlNode item) {
        if (item instanceof YamlNode.MapNode m && m.get("name") instanceof YamlNode.ScalarNode s) {
            return s.text();
        }
        return null;
    }
}
