package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.agent.importer.yaml.YNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A proxy.yaml acl matcher that one HAProxy acl line became: its key ({@code path_beg},
 * {@code src}, {@code header} …), for {@code header}/{@code cookie}/{@code query_param} the
 * name it reads and how ({@code exact}, {@code beg}, … {@code found}), its values and
 * {@code ignore_case}. Two lines of one HAProxy acl name with the same {@link #signature()}
 * merge into one matcher (their values OR-ed, as HAProxy does).
 *
 * @param note what differs from HAProxy, or null
 */
record PmMatcher(String key, String name, String text, List<Object> values, boolean ignoreCase, String note) {

    PmMatcher {
        values = List.copyOf(values);
    }

    /** A matcher of plain values: {@code path_beg: [...]}. */
    static PmMatcher of(String key, List<?> values, boolean ignoreCase, String note) {
        return new PmMatcher(key, null, null, new ArrayList<>(values), ignoreCase, note);
    }

    /** A named text matcher: {@code header: {name: X, beg: [...]}}. */
    static PmMatcher named(String key, String name, String text, List<?> values, boolean ignoreCase, String note) {
        return new PmMatcher(key, name, text, new ArrayList<>(values), ignoreCase, note);
    }

    String signature() {
        return key + "(" + (name == null ? "" : name.toLowerCase(Locale.ROOT)) + "," + text + "," + ignoreCase + ")";
    }

    PmMatcher merge(PmMatcher other) {
        List<Object> all = new ArrayList<>(values);
        for (Object v : other.values) {
            if (!all.contains(v)) {
                all.add(v);
            }
        }
        String n = note == null ? other.note : other.note == null || other.note.equals(note) ? note : note + "; " + other.note;
        return new PmMatcher(key, name, text, all, ignoreCase, n);
    }

    /** The acl entry: {@code { name: NAME, path_beg: [...] }}. */
    YMap toYaml(String aclName) {
        YMap m = new YMap().put("name", aclName);
        if (name != null) {
            YMap inner = new YMap().put("name", name);
            if (text.equals("found")) {
                inner.put("found", true);
            } else {
                inner.put(text, list());
            }
            m.put(key, inner);
        } else if (key.equals("ssl_fc") || key.equals("ssl_c_used") || key.equals("always")) {
            m.put(key, values.get(0));
        } else {
            m.put(key, (YNode) list());
        }
        if (ignoreCase) {
            m.put("ignore_case", true);
        }
        return m;
    }

    private YList list() {
        YList list = new YList();
        for (Object v : values) {
            list.add(v);
        }
        return list;
    }
}
