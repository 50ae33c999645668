package io.pointsman.proxy.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changes between two configs, by name: frontends (listens included), backends,
 * servers, binds, userlists and users added, removed or changed (a changed frontend or
 * backend names the keys that changed: {@code http_request}, {@code limits}, …). It names what changed and never prints a
 * value, so resolved secrets cannot leak through it. Backs {@code GET /diff} and the
 * apply log line.
 */
public final class ConfigDiff {
    private final List<String> lines;

    private ConfigDiff(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    /** @param before the config applied now (null = nothing applied yet) */
    public static ConfigDiff between(ProxyConfig before, ProxyConfig after) {
        List<String> out = new ArrayList<>();
        Map<String, Frontend> f0 = byName(before == null ? List.of() : before.allFrontends());
        Map<String, Frontend> f1 = byName(after.allFrontends());
        named(out, "frontend", f0, f1, (a, b) -> {
            List<String> changes = new ArrayList<>(changedFields(a, b, "bind"));
            TreeSet<String> added = new TreeSet<>();
            TreeSet<String> removed = new TreeSet<>();
            b.bind().forEach(h -> added.add(h.toString()));
            a.bind().forEach(h -> {
                if (!added.remove(h.toString())) {
                    removed.add(h.toString());
                }
            });
            added.forEach(h -> changes.add("bind + " + h));
            removed.forEach(h -> changes.add("bind - " + h));
            return changes;
        });
        Map<String, Backend> b0 = byName(before == null ? List.of() : before.allBackends());
        Map<String, Backend> b1 = byName(after.allBackends());
        named(out, "backend", b0, b1, (a, b) -> {
            List<String> changes = new ArrayList<>(changedFields(a, b, "servers"));
            Map<String, Server> s0 = byName(a.servers());
            Map<String, Server> s1 = byName(b.servers());
            List<String> serverLines = new ArrayList<>();
            named(serverLines, "server", s0, s1, ConfigDiff::changedFields);
            changes.addAll(serverLines);
            return changes;
        });
        Map<String, Userlist> u0 = byName(before == null ? List.of() : before.userlists());
        Map<String, Userlist> u1 = byName(after.userlists());
        named(out, "userlist", u0, u1, (a, b) -> {
            List<String> changes = new ArrayList<>();
            named(changes, "user", byName(a.users()), byName(b.users()), (x, y) -> List.of("password"));
            return changes;
        });
        section(out, "global", before == null ? null : before.global(), after.global());
        section(out, "defaults", before == null ? null : before.defaults(), after.defaults());
        section(out, "stats", before == null ? null : before.stats(), after.stats());
        section(out, "keepalived", before == null ? null : before.keepalived(), after.keepalived());
        section(out, "sync", before == null ? null : before.sync(), after.sync());
        section(out, "bgp", before == null ? null : before.bgp(), after.bgp());
        return new ConfigDiff(out);
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    public List<String> lines() {
        return lines;
    }

    /** One change a line, e.g. {@code + frontend api-tunnel}, {@code ~ backend web: server web2 added}. */
    @Override
    public String toString() {
        return lines.isEmpty() ? "no changes\n" : String.join("\n", lines) + "\n";
    }

    /** A one-line summary for logs: {@code +1 frontend, ~2 backends, ~stats}. */
    public String summary() {
        if (lines.isEmpty()) {
            return "no changes";
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String l : lines) {
            String[] parts = l.split(" ", 3);
            String kind = parts[1].replace(":", "");
            counts.merge(parts[0] + kind, 1, Integer::sum);
        }
        List<String> s = new ArrayList<>();
        counts.forEach((k, v) -> {
            String kind = k.substring(1);
            boolean named = kind.equals("frontend") || kind.equals("backend") || kind.equals("server")
                    || kind.equals("userlist") || kind.equals("user");
            s.add(named ? k.charAt(0) + String.valueOf(v) + " " + kind + (v == 1 ? "" : "s") : k);
        });
        return String.join(", ", s);
    }

    private interface Changes<T> {
        List<String> of(T before, T after);
    }

    private static <T> void named(List<String> out, String kind, Map<String, T> before, Map<String, T> after,
            Changes<T> changes) {
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                out.add("- " + kind + " " + name);
            }
        }
        for (Map.Entry<String, T> e : after.entrySet()) {
            T old = before.get(e.getKey());
            if (old == null) {
                out.add("+ " + kind + " " + e.getKey());
            } else if (!old.equals(e.getValue())) {
                List<String> c = changes.of(old, e.getValue());
                out.add("~ " + kind + " " + e.getKey() + (c.isEmpty() ? "" : ": " + String.join(", ", c)));
            }
        }
    }

    private static void section(List<String> out, String name, Object before, Object after) {
        if (Objects.equals(before, after)) {
            return;
        }
        if (before == null) {
            out.add("+ " + name);
        } else if (after == null) {
            out.add("- " + name);
        } else {
            out.add("~ " + name + ": " + String.join(", ", changedFields(before, after)));
        }
    }

    /** Names of the record components that differ, except {@code skip}. Values are never shown. */
    private static List<String> changedFields(Object a, Object b, String... skip) {
        List<String> changed = new ArrayList<>();
        outer:
        for (RecordComponent rc : a.getClass().getRecordComponents()) {
            for (String s : skip) {
                if (rc.getName().equals(s)) {
                    continue outer;
                }
            }
            try {
                Object x = rc.getAccessor().invoke(a);
                Object y = rc.getAccessor().invoke(b);
                if (!Objects.equals(x, y)) {
                    YamlName key = rc.getAnnotation(YamlName.class);
                    changed.add(key != null ? key.value() : snake(rc.getName()));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return changed;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static <T> Map<String, T> byName(List<T> items) {
        Map<String, T> m = new LinkedHashMap<>();
        for (T t : items) {
            try {
                m.put((String) t.getClass().getMethod("name").invoke(t), t);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }
}
