package io.pointsman.proxy.config.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pointsman.proxy.config.ProxyConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shapes that made loading super-linear still validate exactly as before: a port map
 * per customer (thousands of listens, each on its own port; binds are compared per port
 * now) and an acl + rule per backend (backend names looked up in a map now).
 */
class LargeConfigTest {
    private static final int CUSTOMERS = 2_000;

    private static String portMap(String lastBind) {
        StringBuilder y = new StringBuilder("version: 1\ndefaults: { mode: tcp }\nlistens:\n");
        for (int i = 0; i < CUSTOMERS; i++) {
            String bind = i == CUSTOMERS - 1 ? lastBind : "*:" + (20000 + i);
            y.append("  - { name: app-customer").append(i).append(", bind: [\"").append(bind)
                    .append("\"], servers: [ { name: s, address: \"127.0.0.1:").append(30000 + i).append("\" } ] }\n");
        }
        return y.toString();
    }

    private static LoadedConfig load(String proxyYaml) throws ConfigException {
        return ConfigLoader.load(new ConfigFiles(Map.of(ConfigFiles.PROXY_YAML, proxyYaml)), null, SecretSource.of(Map.of()));
    }

    @Test
    void thousandsOfListensOnTheirOwnPortsAreValid() throws Exception {
        ProxyConfig c = load(portMap("*:" + (20000 + CUSTOMERS - 1))).config();
        assertEquals(CUSTOMERS, c.listens().size());
    }

    @Test
    void aConflictAmongThousandsOfBindsIsFoundAndPointsAtTheFirstHolder() {
        // The last listen takes customer 7's port on a specific address: conflicts with its *:port.
        ConfigException e = assertThrows(ConfigException.class, () -> load(portMap("127.0.0.1:20007")));
        List<ConfigError> errors = e.errors();
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("proxy.yaml:" + (3 + CUSTOMERS) + ": listens[" + (CUSTOMERS - 1) + "].bind[0]: bind '127.0.0.1:20007'"
                + " conflicts with '*:20007' of listen 'app-customer7' (proxy.yaml:11)", errors.get(0).toString());
    }

    @Test
    void aRulePerBackendChecksEveryReference() {
        StringBuilder y = new StringBuilder("version: 1\nfrontends:\n  - name: www\n    bind: [\"127.0.0.1:0\"]\n    acl:\n");
        for (int i = 0; i < CUSTOMERS; i++) {
            y.append("      - { name: is-b").append(i).append(", path_beg: [\"/b").append(i).append("/\"] }\n");
        }
        y.append("    use_backend:\n");
        for (int i = 0; i < CUSTOMERS; i++) {
            // One reference is to a backend that does not exist, one to a tcp backend.
            String target = i == 500 ? "nope" : i == 700 ? "tcp-one" : "b" + i;
            y.append("      - { backend: ").append(target).append(", if: is-b").append(i).append(" }\n");
        }
        y.append("backends:\n  - { name: tcp-one, mode: tcp, servers: [ { name: s, address: \"127.0.0.1:9\" } ] }\n");
        for (int i = 0; i < CUSTOMERS; i++) {
            y.append("  - { name: b").append(i).append(", servers: [ { name: s, address: \"127.0.0.1:9\" } ] }\n");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> load(y.toString()));
        List<ConfigError> errors = e.errors();
        assertEquals(2, errors.size(), errors.toString());
        assertEquals("frontends[0].use_backend[500].backend", errors.get(0).path());
        assertEquals("no backend named 'nope'", errors.get(0).message());
        assertEquals("frontends[0].use_backend[700].backend", errors.get(1).path());
        assertEquals("frontend 'www' is mode http but backend 'tcp-one' is mode tcp", errors.get(1).message());
    }
}
