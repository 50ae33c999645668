package io.pointsman.proxy.config.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** hosts/NODE.yaml deep-merged over proxy.yaml (SPEC §2). */
class HostMergeTest {
    static final String BASE = """
            version: 1
            global:
              maxconn: 100
              threads: 2
            frontends:
              - name: web
                bind: ["*:8080", "*:8081"]
                forwardfor: true
                default_backend: app
            backends:
              - name: app
                balance: roundrobin
                servers:
                  - { name: a1, address: "127.0.0.1:9001", weight: 1 }
                  - { name: a2, address: "127.0.0.1:9002", weight: 1 }
              - name: old
                servers:
                  - { name: o1, address: "127.0.0.1:9009" }
            """;

    static ProxyConfig load(String host) throws ConfigException {
        return ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", BASE, "hosts/lb1.yaml", host)), "lb1",
                SecretSource.of(Map.of())).config();
    }

    @Test
    void mapsMergeKeyByKeyAndScalarsReplace() throws Exception {
        ProxyConfig c = load("global: { maxconn: 500 }\n");
        assertEquals(500, c.global().maxconn());
        assertEquals(2, c.global().threads());
    }

    @Test
    void nullDeletesAKey() throws Exception {
        ProxyConfig c = load("""
                global: { threads: null }
                frontends:
                  - { name: web, forwardfor: ~ }
                """);
        assertEquals(0, c.global().threads());
        assertEquals(100, c.global().maxconn());
        assertEquals(false, c.frontends().get(0).forwardfor());
    }

    @Test
    void namedListsMergeByNameAndOtherListsReplace() throws Exception {
        ProxyConfig c = load("""
                frontends:
                  - name: web
                    bind: ["*:9090"]
                backends:
                  - name: app
                    servers:
                      - { name: a2, weight: 5 }
                      - { name: a3, address: "127.0.0.1:9003" }
                """);
        assertEquals(List.of(new HostPort("*", 9090)), c.frontends().get(0).addresses());
        assertEquals("app", c.frontends().get(0).defaultBackend());
        Backend app = c.backends().get(0);
        assertEquals(List.of("a1", "a2", "a3"), app.servers().stream().map(Server::name).toList());
        Server a2 = app.servers().get(1);
        assertEquals(5, a2.weight());
        assertEquals(HostPort.parse("127.0.0.1:9002"), a2.address());
    }

    @Test
    void deleteTrueRemovesANamedEntryAndNewNamesAreAppended() throws Exception {
        ProxyConfig c = load("""
                backends:
                  - { name: old, delete: true }
                  - name: new
                    servers: [ { name: n1, address: "127.0.0.1:9100" } ]
                  - name: app
                    servers:
                      - { name: a1, delete: true }
                """);
        assertEquals(List.of("app", "new"), c.backends().stream().map(Backend::name).toList());
        assertEquals(List.of("a2"), c.backends().get(0).servers().stream().map(Server::name).toList());
    }

    @Test
    void deletingWhatTheConfigStillNeedsIsReportedWithBothFiles() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                backends:
                  - { name: app, delete: true }
                  - name: extra
                    servers: [ { name: x, address: "127.0.0.1:9100", weight: 999 } ]
                """));
        assertEquals(List.of(
                "hosts/lb1.yaml:4: backends[1].servers[0].weight: weight 999 out of range 0-256",
                "proxy.yaml:9: frontends[0].default_backend: no backend named 'app'"),
                e.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void aHostFileMayAddWhatProxyYamlLacks() throws Exception {
        ProxyConfig c = load("""
                listens:
                  - name: local
                    bind: "127.0.0.1:0"
                    servers: [ { name: l1, address: "127.0.0.1:9200" } ]
                """);
        assertEquals("local", c.listens().get(0).name());
    }

    @Test
    void withoutAHostFileTheNodeGetsProxyYaml() throws Exception {
        ProxyConfig c = ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", BASE)), "lb9",
                SecretSource.of(Map.of())).config();
        assertEquals(100, c.global().maxconn());
        assertNull(c.keepalived());
        assertTrue(c.backend("old").isPresent());
    }
}
