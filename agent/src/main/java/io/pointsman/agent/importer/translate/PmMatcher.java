package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.agent.importer.yaml.YNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy.yaml acl matcher that one HAProxy acl line became: its key ({@code path_beg},
 * {@code src}, {@code header} …), the header it reads (for {@code header}) and its values.
 * Two lines of one HAProxy acl name with the same {@link #signature()} merge into one
 * matcher (their values OR-ed, as HAProxy does).
 *
 * @param note what differs from HAProxy, or null
 */
record PmMatcher(String key, String header, List<Object> values, String note) {

    PmMatcher {
        values = List.copyOf(values);
    }

    String signature() {
        return header == null ? key : key + "(" + header.toLowerCase(java.util.Locale.ROOT) + ")";
    }

    PmMatcher merge(PmMatcher other) {
        List<Object> all = new ArrayList<>(values);
        for (Object v : other.values) {
            if (!all.contains(v)) {
                all.add(v);
            }
        }
        String n = note == null ? other.note : other.note == null || other.note.equals(note) ? note : note + "; " + other.note;
        return new PmMatcher(key, header, all, n);
    }

    /** The acl entry: {@code { name: NAME, path_beg: [...] }}. */
    YMap toYaml(String name) {
        YMap m = new YMap().put("name", name);
        YList list = new YList();
        for (Object v : values) {
            list.add(v);
        }
        if (header != null) {
            m.put(key, new YMap().put("name", header).put("values", list));
        } else {
            m.put(key, (YNode) list);
        }
        return m;
    }
}
