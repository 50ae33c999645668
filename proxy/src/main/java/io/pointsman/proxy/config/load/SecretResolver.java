package io.pointsman.proxy.config.load;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}}, {@code ${env:NAME:-default}} and {@code ${file:/path}} in
 * string values with what the {@link SecretSource} gives. A resolved scalar is marked
 * secret: it renders as {@code <redacted>} and never appears in a message. Every resolved
 * value is collected for the {@link Redactor}.
 */
final class SecretResolver {
    private static final Pattern REF = Pattern.compile("\\$\\{([^}]*)}");

    private final SecretSource source;
    private final Problems problems;
    private final List<String> resolved = new ArrayList<>();

    private SecretResolver(SecretSource source, Problems problems) {
        this.source = source;
        this.problems = problems;
    }

    record Result(YamlNode.MapNode tree, List<String> secrets) {
    }

    static Result resolve(YamlNode.MapNode tree, SecretSource source, Problems problems) {
        SecretResolver r = new SecretResolver(source, problems);
        YamlNode.MapNode out = (YamlNode.MapNode) r.walk(tree, "");
        out = r.markNotifyUrls(out);
        return new Result(out, List.copyOf(r.resolved));
    }

    /**
     * A notification URL is a credential even when written literally (a Slack webhook URL
     * lets anyone post to the channel): every {@code sync.notify[].url} is marked secret,
     * shown as its scheme and host only ({@code https://hooks.slack.com/<redacted>}).
     */
    private YamlNode.MapNode markNotifyUrls(YamlNode.MapNode root) {
        if (!(root.get("sync") instanceof YamlNode.MapNode sync) || !(sync.get("notify") instanceof YamlNode.ListNode list)) {
            return root;
        }
        List<YamlNode> items = new ArrayList<>(list.items());
        boolean changed = false;
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof YamlNode.MapNode target && target.get("url") instanceof YamlNode.ScalarNode url
                    && url.value() instanceof String text && !url.secret() && !text.isEmpty()) {
                resolved.add(text);
                String shown = io.pointsman.proxy.config.NotifyTarget.displayUrl(text);
                items.set(i, with(target, "url", new YamlNode.ScalarNode(url.location(), text, text, true, shown)));
                changed = true;
            }
        }
        if (!changed) {
            return root;
        }
        YamlNode.MapNode newSync = with(sync, "notify", new YamlNode.ListNode(list.location(), items));
        return with(root, "sync", newSync);
    }

    private static YamlNode.MapNode with(YamlNode.MapNode map, String key, YamlNode value) {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>(map.entries());
        YamlNode.Entry old = entries.get(key);
        entries.put(key, new YamlNode.Entry(key, old.keyLocation(), value));
        return new YamlNode.MapNode(map.location(), entries);
    }

    /**
     * The node with its references resolved; the very same node when nothing under it
     * holds one (the common case: copying the whole tree made this pass cost as much
     * garbage as the values it never changed). Paths are built for maps and lists only.
     */
    private YamlNode walk(YamlNode node, String path) {
        if (node instanceof YamlNode.MapNode m) {
            Map<String, YamlNode.Entry> out = null;
            for (YamlNode.Entry e : m.entries().values()) {
                YamlNode v = e.value();
                YamlNode w = plain(v) ? v : walk(v, Paths.child(path, e.key()));
                if (w != v && out == null) {
                    out = new LinkedHashMap<>(m.entries());
                }
                if (out != null) {
                    out.put(e.key(), w == v ? e : new YamlNode.Entry(e.key(), e.keyLocation(), w));
                }
            }
            return out == null ? m : new YamlNode.MapNode(m.location(), out);
        }
        if (node instanceof YamlNode.ListNode l) {
            List<YamlNode> out = null;
            for (int i = 0; i < l.items().size(); i++) {
                YamlNode v = l.items().get(i);
                YamlNode w = plain(v) ? v : walk(v, Paths.index(path, i));
                if (w != v && out == null) {
                    out = new ArrayList<>(l.items());
                }
                if (out != null) {
                    out.set(i, w);
                }
            }
            return out == null ? l : new YamlNode.ListNode(l.location(), out);
        }
        if (node instanceof YamlNode.ScalarNode s && s.value() instanceof String text && text.contains("${")) {
            return substitute(s, text, path);
        }
        return node;
    }

    /** Whether the node is a scalar that cannot hold a reference: left as it is, no path built. */
    private static boolean plain(YamlNode node) {
        return node instanceof YamlNode.ScalarNode s && !(s.value() instanceof String text && text.contains("${"))
                || node instanceof YamlNode.NullNode;
    }

    private YamlNode substitute(YamlNode.ScalarNode s, String text, String path) {
        Matcher m = REF.matcher(text);
        StringBuilder value = new StringBuilder();
        StringBuilder shown = new StringBuilder();
        int last = 0;
        boolean any = false;
        boolean failed = false;
        while (m.find()) {
            value.append(text, last, m.start());
            shown.append(text, last, m.start());
            last = m.end();
            String secret = lookup(m.group(1), s.location(), path);
            if (secret == null) {
                failed = true;
                continue;
            }
            any = true;
            value.append(secret);
            shown.append(Redactor.REDACTED);
            if (!secret.isEmpty()) {
                resolved.add(secret);
            }
        }
        if (!any && !failed) {
            return s;
        }
        value.append(text.substring(last));
        shown.append(text.substring(last));
        if (failed) {
            // Already reported; keep a harmless placeholder so binding does not add noise.
            return new YamlNode.ScalarNode(s.location(), shown.toString(), shown.toString(), true, shown.toString());
        }
        return new YamlNode.ScalarNode(s.location(), value.toString(), value.toString(), true, shown.toString());
    }

    /** The value of one reference, or null after reporting why it has none. */
    private String lookup(String ref, YamlNode.Location at, String path) {
        if (ref.startsWith("env:")) {
            String spec = ref.substring(4);
            String name = spec;
            String fallback = null;
            int dash = spec.indexOf(":-");
            if (dash >= 0) {
                name = spec.substring(0, dash);
                fallback = spec.substring(dash + 2);
            }
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problems.add(at, path, "bad environment variable name '" + name + "' in secret reference");
                return null;
            }
            String v = source.env(name);
            if (v != null) {
                return v;
            }
            if (fallback != null) {
                return fallback;
            }
            problems.add(at, path, "secret ${env:" + name + "}: environment variable '" + name + "' is not set");
            return null;
        }
        if (ref.startsWith("file:")) {
            String file = ref.substring(5);
            if (file.isEmpty()) {
                problems.add(at, path, "secret ${file:}: no path given");
                return null;
            }
            try {
                return source.file(file);
            } catch (NoSuchFileException e) {
                problems.add(at, path, "secret ${file:" + file + "}: no such file");
                return null;
            } catch (IOException | RuntimeException e) {
                // Only the exception's type: a message could quote file content.
                problems.add(at, path, "secret ${file:" + file + "}: cannot read the file (" + e.getClass().getSimpleName() + ")");
                return null;
            }
        }
        problems.add(at, path, "unknown secret reference '${" + ref + "}' (expected ${env:NAME}, ${env:NAME:-default} or ${file:/path})");
        return null;
    }
}
