package io.pointsman.agent.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped two-node examples: the keepalived.conf rendered for lb1 and lb2 differ
 * only in what their host files override (state, priority) — one repo, two nodes.
 */
class ExampleKeepalivedRenderTest {
    private static Path example(String name) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "examples/ not found");
        return p.resolve("examples/two-node-ha").resolve(name);
    }

    private static List<String> render(Path dir, String node) throws Exception {
        ProxyConfig c = ConfigLoader.load(ConfigFiles.fromDirectory(dir), node, SecretSource.of(Map.of())).config();
        String text = KeepalivedRenderer.render(c.keepalived(), node, "/etc/keepalived/check.sh", "/etc/keepalived/state");
        return List.of(text.split("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"active-passive", "active-active"})
    void nodesDifferOnlyInStateAndPriority(String variant) throws Exception {
        List<String> lb1 = render(example(variant), "lb1");
        List<String> lb2 = render(example(variant), "lb2");
        assertEquals(lb1.size(), lb2.size());
        List<String> differing = new ArrayList<>();
        for (int i = 0; i < lb1.size(); i++) {
            if (!lb1.get(i).equals(lb2.get(i))) {
                differing.add(lb1.get(i).trim().split(" ")[0]);
            }
        }
        // The node name appears in the header comments and router_id; the rest is state/priority.
        differing.removeIf(k -> k.equals("#") || k.equals("router_id"));
        assertTrue(differing.stream().allMatch(k -> k.equals("state") || k.equals("priority")), differing.toString());
        assertEquals(variant.equals("active-active") ? 4 : 2, differing.size(), differing.toString());
        assertTrue(lb1.contains("    state MASTER") && lb2.contains("    state BACKUP") || variant.equals("active-active"));
    }
}
