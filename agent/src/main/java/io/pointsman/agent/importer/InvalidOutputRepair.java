package io.pointsman.agent.importer;

import io.pointsman.agent.importer.report.Finding;
import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.proxy.config.load.ConfigError;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The import's last line of defence: when the translated proxy.yaml does not validate (a
 * translation rule that let through something Pointsman refuses, which is the importer's
 * bug), the part each error is in is left out and reported against the haproxy.cfg line it
 * came from, with the validator's message, and the whole is validated again. What is left
 * out is a whole rule, acl, bind or server (the item under a section's list), or the whole
 * section when the error is in one of its own settings: never a value out of a list, which
 * would make a matcher match less than HAProxy's without a word. Rules that named a removed
 * acl or backend fail the next validation and go the same way.
 */
final class InvalidOutputRepair {
    /** Rounds of remove-and-validate before giving up (each round removes one part). */
    static final int MAX_ROUNDS = 50;
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_]+)(?:\\[(\\d+)])?");
    private static final Pattern SOURCE_LINE = Pattern.compile(":(\\d+)");

    private InvalidOutputRepair() {
    }

    /**
     * Leaves out of {@code root} the part the first of {@code errors} (of proxy.yaml) it can
     * place is in, adding a finding; false when none could be placed. One part per round:
     * removing it moves the indexes the other errors' paths name.
     */
    static boolean leaveOutOne(YMap root, List<ConfigError> errors, String cfgName, List<Finding> findings) {
        for (ConfigError e : errors) {
            if (!"proxy.yaml".equals(e.file()) || e.path() == null || e.path().isEmpty()) {
                continue;
            }
            String source = remove(root, e.path());
            if (source != null) {
                Matcher m = SOURCE_LINE.matcher(source);
                int line = m.find() ? Integer.parseInt(m.group(1)) : 0;
                findings.add(new Finding(cfgName, line, keyword(e.path()), Finding.Kind.NOT_TRANSLATED,
                        "what it became, " + e.path() + ", is refused by Pointsman: " + e.message()));
                return true;
            }
        }
        return false;
    }

    /** Removes the part of {@code path}; returns the comment naming its source ("" if none), or null. */
    private static String remove(YMap root, String path) {
        String[] parts = path.split("\\.");
        if (parts.length < 2) {
            return null;
        }
        Matcher first = SEGMENT.matcher(parts[0]);
        Matcher second = SEGMENT.matcher(parts[1]);
        if (!first.matches() || !second.matches()) {
            return null;
        }
        YMap.Entry section = root.entry(first.group(1));
        if (section == null) {
            return null;
        }
        if (first.group(2) == null) {
            // global.x, defaults.x, stats.x: the setting under the section.
            if (!(section.value() instanceof YMap m) || !m.has(second.group(1))) {
                return null;
            }
            YMap.Entry gone = m.entry(second.group(1));
            m.remove(second.group(1));
            return comment(gone.comment(), section.comment());
        }
        if (!(section.value() instanceof YList list)) {
            return null;
        }
        int i = Integer.parseInt(first.group(2));
        if (i >= list.size()) {
            return null;
        }
        YList.Item item = list.items().get(i);
        if (second.group(2) != null && item.value() instanceof YMap owner
                && owner.get(second.group(1)) instanceof YList inner) {
            int j = Integer.parseInt(second.group(2));
            if (j < inner.size()) {
                YList.Item gone = inner.remove(j);
                if (inner.isEmpty()) {
                    owner.remove(second.group(1));
                }
                return comment(gone.comment(), item.comment());
            }
        }
        list.remove(i);
        if (list.isEmpty()) {
            root.remove(first.group(1));
        }
        return comment(item.comment(), section.comment());
    }

    private static String comment(String own, String outer) {
        return own != null && SOURCE_LINE.matcher(own).find() ? own : outer == null ? "" : outer;
    }

    private static String keyword(String path) {
        String[] parts = path.split("\\.");
        String k = parts.length > 1 ? parts[1] : parts[0];
        return k.replaceAll("\\[\\d+]", "");
    }

}
