package io.pointsman.proxy.config.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class YamlReaderTest {
    @Test
    void scalarsKeepTheirYamlTypeAndEveryNodeItsLine() {
        Problems p = new Problems();
        YamlNode.MapNode m = YamlReader.read("proxy.yaml", """
                a: 5
                b: "5"
                c: true
                d: 1.5
                e:
                f: [x, 'y']
                """, p);
        assertTrue(p.isEmpty());
        assertEquals(5L, ((YamlNode.ScalarNode) m.get("a")).value());
        assertEquals("5", ((YamlNode.ScalarNode) m.get("b")).value());
        assertEquals(true, ((YamlNode.ScalarNode) m.get("c")).value());
        assertEquals(1.5, ((YamlNode.ScalarNode) m.get("d")).value());
        assertInstanceOf(YamlNode.NullNode.class, m.get("e"));
        YamlNode.ListNode f = (YamlNode.ListNode) m.get("f");
        assertEquals(new YamlNode.Location("proxy.yaml", 6), f.location());
        assertEquals(2, m.entries().get("b").keyLocation().line());
        assertEquals(List.of("x", "y"), f.items().stream().map(n -> ((YamlNode.ScalarNode) n).text()).toList());
    }

    @Test
    void anEmptyFileIsAnEmptyMap() {
        Problems p = new Problems();
        assertTrue(YamlReader.read("hosts/lb1.yaml", "# only a comment\n", p).entries().isEmpty());
        assertTrue(p.isEmpty());
    }

    @Test
    void aDuplicateKeyIsReportedAtItsSecondOccurrence() {
        Problems p = new Problems();
        YamlReader.read("proxy.yaml", "a: 1\nb:\n  c: 1\n  c: 2\n", p);
        assertEquals("proxy.yaml:4: b.c: duplicate key 'c' (first at line 3)", p.errors().get(0).toString());
    }

    @Test
    void aSyntaxErrorGivesFileAndLine() {
        Problems p = new Problems();
        assertNull(YamlReader.read("proxy.yaml", "a: 1\nb: [1, 2\n", p));
        assertTrue(p.errors().get(0).toString().startsWith("proxy.yaml:3: syntax error: "), p.errors().toString());
    }

    @Test
    void theTopLevelMustBeAMap() {
        Problems p = new Problems();
        assertNull(YamlReader.read("proxy.yaml", "- a\n- b\n", p));
        assertEquals("proxy.yaml:1: the top level must be a map (version: 1, frontends: ..., ...), got a list",
                p.errors().get(0).toString());
    }

    @Test
    void mergeKeysCopyAnAnchoredMapAndLocalKeysWin() {
        Problems p = new Problems();
        YamlNode.MapNode m = YamlReader.read("proxy.yaml", """
                base: &srv { weight: 2, check: true }
                server:
                  <<: *srv
                  weight: 5
                """, p);
        assertTrue(p.isEmpty(), p.errors().toString());
        YamlNode.MapNode server = (YamlNode.MapNode) m.get("server");
        assertEquals(5L, ((YamlNode.ScalarNode) server.get("weight")).value());
        assertEquals(true, ((YamlNode.ScalarNode) server.get("check")).value());
        assertEquals(1, server.get("check").location().line());
    }
}
