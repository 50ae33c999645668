package io.pointsman.agent.importer.yaml;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a {@link YNode} tree as YAML a person can read and edit: block style, with small
 * maps and lists of scalars on one line in flow style ({@code { name: web1, address:
 * "10.0.0.1:80", check: true }}), and each entry's comment after it on the same line or on
 * the line above. Strings are written plain only when YAML cannot read them as anything
 * else; every other string is double-quoted.
 */
public final class YamlText {
    private static final int WIDTH = 110;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_/.+-]*|\\d+(us|ms|s|m|h|d)");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n",
            "~", "True", "False", "TRUE", "FALSE", "Yes", "No", "YES", "NO", "On", "Off", "ON", "OFF", "Null", "NULL",
            "Y", "N");

    private final StringBuilder out = new StringBuilder();

    private YamlText() {}

    /** The document for a top-level map; top-level block entries are separated by a blank line. */
    public static String write(YMap root) {
        YamlText w = new YamlText();
        boolean first = true;
        for (YMap.Entry e : root.entries()) {
            boolean block = !w.fitsInline(e.value(), 0, e.key());
            if (!first && block) {
                w.out.append('\n');
            }
            w.entry(e, 0);
            first = false;
        }
        return w.out.toString();
    }

    /** A document that is a list (tests/routes.yaml). */
    public static String write(YList list) {
        YamlText w = new YamlText();
        for (YList.Item item : list.items()) {
            w.item(item, 0);
        }
        return w.out.toString();
    }

    private void entry(YMap.Entry e, int indent) {
        String pad = " ".repeat(indent);
        String key = key(e.key());
        if (fitsInline(e.value(), indent, e.key())) {
            out.append(pad).append(key).append(": ").append(inline(e.value()));
            comment(e.comment());
            out.append('\n');
            return;
        }
        commentLine(pad, e.comment());
        out.append(pad).append(key).append(":\n");
        if (e.value() instanceof YMap m) {
            for (YMap.Entry c : m.entries()) {
                entry(c, indent + 2);
            }
        } else if (e.value() instanceof YList l) {
            for (YList.Item item : l.items()) {
                item(item, indent + 2);
            }
        }
    }

    private void item(YList.Item item, int indent) {
        String pad = " ".repeat(indent);
        if (fitsInline(item.value(), indent + 2, "")) {
            out.append(pad).append("- ").append(inline(item.value()));
            comment(item.comment());
            out.append('\n');
            return;
        }
        commentLine(pad, item.comment());
        if (item.value() instanceof YMap m) {
            // Render the map one level in, then put the dash where the first key's indent is;
            // comment lines above the first key stay above the dash.
            YamlText inner = new YamlText();
            for (YMap.Entry c : m.entries()) {
                inner.entry(c, indent + 2);
            }
            boolean dashed = false;
            for (String line : inner.out.toString().split("\n")) {
                if (!dashed && !line.stripLeading().startsWith("#")) {
                    out.append(pad).append("- ").append(line.substring(indent + 2)).append('\n');
                    dashed = true;
                } else {
                    out.append(line).append('\n');
                }
            }
        } else if (item.value() instanceof YList l) {
            out.append(pad).append("-\n");
            for (YList.Item i : l.items()) {
                item(i, indent + 2);
            }
        }
    }

    private boolean fitsInline(YNode n, int indent, String key) {
        if (n instanceof YScalar) {
            return true;
        }
        if (!flowable(n, 0)) {
            return false;
        }
        return indent + key.length() + 2 + inline(n).length() <= WIDTH;
    }

    /** Scalars, and maps/lists of scalars nested at most two deep, with no comments inside. */
    private static boolean flowable(YNode n, int depth) {
        if (n instanceof YScalar) {
            return true;
        }
        if (depth >= 2) {
            return false;
        }
        if (n instanceof YMap m) {
            if (m.isEmpty()) {
                return true;
            }
            for (YMap.Entry e : m.entries()) {
                if (e.comment() != null || !flowable(e.value(), depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        YList l = (YList) n;
        for (YList.Item i : l.items()) {
            if (i.comment() != null || !flowable(i.value(), depth + 1)) {
                return false;
            }
        }
        return true;
    }

    private static String inline(YNode n) {
        if (n instanceof YScalar s) {
            return scalar(s.value());
        }
        StringBuilder sb = new StringBuilder();
        if (n instanceof YMap m) {
            if (m.isEmpty()) {
                return "{}";
            }
            sb.append("{ ");
            List<YMap.Entry> es = m.entries();
            for (int i = 0; i < es.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(key(es.get(i).key())).append(": ").append(inline(es.get(i).value()));
            }
            return sb.append(" }").toString();
        }
        YList l = (YList) n;
        sb.append('[');
        List<YList.Item> is = l.items();
        for (int i = 0; i < is.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(inline(is.get(i).value()));
        }
        return sb.append(']').toString();
    }

    private void comment(String c) {
        if (c != null) {
            out.append("  # ").append(oneLine(c));
        }
    }

    private void commentLine(String pad, String c) {
        if (c != null) {
            for (String line : c.split("\n")) {
                out.append(pad).append("# ").append(oneLine(line)).append('\n');
            }
        }
    }

    private static String key(String k) {
        return PLAIN.matcher(k).matches() && !RESERVED.contains(k) ? k : quote(k);
    }

    /** A scalar as YAML reads it back to the same value. */
    public static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            return v.toString();
        }
        String s = (String) v;
        return PLAIN.matcher(s).matches() && !RESERVED.contains(s) ? s : quote(s);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String oneLine(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString();
    }
}
