package io.pointsman.agent.importer.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** What YamlText writes reads back as the same values, whatever the strings hold. */
class YamlTextTest {
    private static final String ALPHABET = "aZ09 _-./:*#&!|>'\"%@`,[]{}?\\\t\n\u0001\u007féü€✓yes";

    @Test
    void stringsReadBackUnchanged() {
        Random r = new Random(17);
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(12);
            for (int j = 0; j < n; j++) {
                sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
            }
            String s = sb.toString();
            YMap root = new YMap().put(s.isEmpty() ? "k" : s, s, "comment with # and " + s)
                    .put("list", new YList().add(s).add(new YMap().put("name", s).put("n", 1)));
            String text = YamlText.write(root);
            Map<String, Object> back = new Yaml().load(text);
            assertEquals(s, back.get(s.isEmpty() ? "k" : s), text);
            List<?> list = (List<?>) back.get("list");
            assertEquals(s, list.get(0), text);
            assertEquals(s, ((Map<?, ?>) list.get(1)).get("name"), text);
        }
    }

    @Test
    void readsLikeTheHandWrittenExamples() {
        YMap root = new YMap().put("version", 1)
                .put("frontends", new YList().add(new YMap().put("name", "web").put("bind", new YList().add("*:80"), "haproxy.cfg:3")
                        .put("acl", new YList().add(new YMap().put("name", "api").put("path_beg", new YList().add("/api/")),
                                "haproxy.cfg:4")), "haproxy.cfg:2: frontend web"));
        assertEquals("""
                version: 1

                frontends:
                  # haproxy.cfg:2: frontend web
                  - name: web
                    bind: ["*:80"]  # haproxy.cfg:3
                    acl:
                      - { name: api, path_beg: [/api/] }  # haproxy.cfg:4
                """, YamlText.write(root));
    }
}
