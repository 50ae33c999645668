package io.pointsman.proxy.config.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Prints a merged tree as YAML (for {@code pointsman render}); secrets print as {@code <redacted>}. */
final class YamlWriter {
    private YamlWriter() {}

    static String write(YamlNode.MapNode tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(200);
        options.setSplitLines(false);
        return new Yaml(options).dump(plain(tree));
    }

    private static Object plain(YamlNode node) {
        if (node instanceof YamlNode.MapNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (YamlNode.Entry e : m.entries().values()) {
                out.put(e.key(), plain(e.value()));
            }
            return out;
        }
        if (node instanceof YamlNode.ListNode l) {
            List<Object> out = new ArrayList<>();
            for (YamlNode item : l.items()) {
                out.add(plain(item));
            }
            return out;
        }
        if (node instanceof YamlNode.ScalarNode s) {
            return s.secret() ? s.redacted() : s.value();
        }
        return null;
    }
}
