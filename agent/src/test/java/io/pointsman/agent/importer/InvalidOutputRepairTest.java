package io.pointsman.agent.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.importer.report.Finding;
import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.proxy.config.load.ConfigError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the import leaves out when its own output does not validate, and what it reports. */
class InvalidOutputRepairTest {

    private static YMap root() {
        YMap fe = new YMap().put("name", "fe", "haproxy.cfg:10")
                .put("acl", new YList().add(new YMap().put("name", "a"), "haproxy.cfg:12"))
                .put("http_request", new YList()
                        .add(new YMap().put("set_header", new YMap().put("name", "X-A")), "haproxy.cfg:13")
                        .add(new YMap().put("set_header", new YMap().put("name", "X\u00e9")), "haproxy.cfg:14"));
        return new YMap()
                .put("global", new YMap().put("tls_defaults", new YMap().put("ciphers", "BAD"), "haproxy.cfg:3"))
                .put("frontends", new YList().add(fe, "haproxy.cfg:9"));
    }

    @Test
    void aRefusedRuleIsLeftOutWithItsLineAndTheValidatorsWords() {
        YMap root = root();
        List<Finding> findings = new ArrayList<>();
        assertTrue(InvalidOutputRepair.leaveOutOne(root, List.of(new ConfigError("proxy.yaml", 30,
                "frontends[0].http_request[1].set_header.name", "'X\u00e9' is not a header name")), "haproxy.cfg", findings));
        YMap fe = (YMap) ((YList) root.get("frontends")).items().get(0).value();
        assertEquals(1, ((YList) fe.get("http_request")).size(), "the other rule stays");
        assertEquals(1, findings.size());
        assertEquals(14, findings.get(0).line());
        assertEquals(Finding.Kind.NOT_TRANSLATED, findings.get(0).kind());
        assertTrue(findings.get(0).message().contains("is refused by Pointsman: 'X\u00e9' is not a header name"));
    }

    @Test
    void anErrorInAProxysOwnSettingLeavesTheWholeProxyOutNeverHalfOfIt() {
        YMap root = root();
        List<Finding> findings = new ArrayList<>();
        assertTrue(InvalidOutputRepair.leaveOutOne(root, List.of(new ConfigError("proxy.yaml", 5,
                "frontends[0].tls.ciphers", "unknown cipher")), "haproxy.cfg", findings));
        assertFalse(root.has("frontends"), "a frontend without its TLS would serve plain text: it goes whole");
        assertEquals(9, findings.get(0).line());
    }

    @Test
    void aGlobalSettingGoesAloneAndErrorsElsewhereAreNotGuessedAt() {
        YMap root = root();
        List<Finding> findings = new ArrayList<>();
        assertFalse(InvalidOutputRepair.leaveOutOne(root, List.of(new ConfigError("hosts/lb1.yaml", 2,
                "keepalived.priority", "bad"), new ConfigError("proxy.yaml", 0, "", "no frontend")), "haproxy.cfg",
                findings));
        assertTrue(findings.isEmpty());
        assertTrue(InvalidOutputRepair.leaveOutOne(root, List.of(new ConfigError("proxy.yaml", 2,
                "global.tls_defaults.ciphers", "unknown cipher")), "haproxy.cfg", findings));
        assertFalse(((YMap) root.get("global")).has("tls_defaults"));
        assertEquals(3, findings.get(0).line());
    }
}
