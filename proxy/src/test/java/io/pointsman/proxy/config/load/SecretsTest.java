package io.pointsman.proxy.config.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.ProxyConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ${env:...} and ${file:...} are resolved, and their values are never shown. */
class SecretsTest {
    static final String STATS_PW = "stats-Pa55word-xyz";
    static final String VRRP_PW = "vrrp-Pa55-abc";
    static final String FILE_PW = "file-Pa55-qrs";

    @TempDir
    Path tmp;

    private String config(Path secretFile) {
        return """
                version: 1
                stats:
                  bind: "127.0.0.1:8404"
                  auth: { user: "${env:STATS_USER:-admin}", password: "${env:STATS_PW}" }
                frontends:
                  - name: web
                    bind: "*:8080"
                    default_backend: app
                backends:
                  - name: app
                    servers: [ { name: a1, address: "127.0.0.1:9001" } ]
                keepalived:
                  vrrp_instances:
                    - name: VI_1
                      interface: eth0
                      virtual_router_id: 51
                      auth_pass: "pre-${file:%s}-${env:VRRP_PW}"
                      virtual_ipaddresses: ["192.0.2.10/24"]
                """.formatted(secretFile);
    }

    private Path secretFile() throws Exception {
        Path f = tmp.resolve("vrrp.secret");
        Files.writeString(f, FILE_PW + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private LoadedConfig load(Map<String, String> env) throws Exception {
        return ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", config(secretFile()))), null, SecretSource.of(env));
    }

    @Test
    void envEnvDefaultAndFileAreResolved() throws Exception {
        ProxyConfig c = load(Map.of("STATS_PW", STATS_PW, "VRRP_PW", VRRP_PW)).config();
        assertEquals("admin", c.stats().auth().user());
        assertEquals(STATS_PW, c.stats().auth().password());
        // The file's trailing newline is dropped; references embedded in a longer string work.
        assertEquals("pre-" + FILE_PW + "-" + VRRP_PW, c.keepalived().vrrpInstances().get(0).authPass());
    }

    @Test
    void resolvedValuesAreNeverShown() throws Exception {
        LoadedConfig loaded = load(Map.of("STATS_PW", STATS_PW, "VRRP_PW", VRRP_PW, "STATS_USER", "operator-9"));
        String rendered = loaded.rendered();
        for (String secret : List.of(STATS_PW, VRRP_PW, FILE_PW, "operator-9")) {
            assertFalse(rendered.contains(secret), rendered);
            assertEquals("[<redacted>]", loaded.redactor().redact("[" + secret + "]"));
            assertFalse(loaded.redactor().redact(loaded.config().toString()).contains(secret));
        }
        // The fields meant for secrets hide them in toString even without the redactor.
        for (String secret : List.of(STATS_PW, VRRP_PW, FILE_PW)) {
            assertFalse(loaded.config().toString().contains(secret), "record toString shows " + secret);
        }
        assertTrue(rendered.contains("password: <redacted>"), rendered);
        assertTrue(rendered.contains("auth_pass: pre-<redacted>-<redacted>"), rendered);
    }

    @Test
    void aMissingSecretIsAnErrorThatNamesTheVariableOrFile() throws Exception {
        Path missing = tmp.resolve("nope.secret");
        String yaml = config(missing);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                new ConfigFiles(Map.of("proxy.yaml", yaml)), null, SecretSource.of(Map.of("VRRP_PW", VRRP_PW))));
        assertEquals(List.of(
                "proxy.yaml:4: stats.auth.password: secret ${env:STATS_PW}: environment variable 'STATS_PW' is not set",
                "proxy.yaml:17: keepalived.vrrp_instances[0].auth_pass: secret ${file:" + missing + "}: no such file"),
                e.errors().stream().map(ConfigError::toString).toList());
        assertFalse(e.getMessage().contains(VRRP_PW));
    }

    @Test
    void aSecretInAWrongPlaceGivesAnErrorWithoutItsValue() throws Exception {
        String yaml = """
                version: 1
                global: { maxconn: "${env:X}", hard_stop_after: "${env:X}" }
                frontends:
                  - { name: "${env:X}", bind: "*:8080", default_backend: "${env:X}", mode: "${env:X}" }
                backends:
                  - name: app
                    servers: [ { name: a1, address: "${env:X}" } ]
                """;
        String secret = "abc-very-secret";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                new ConfigFiles(Map.of("proxy.yaml", yaml)), "lb1", SecretSource.of(Map.of("X", secret))));
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        assertFalse(e.errors().toString().contains(secret));
        assertTrue(e.getMessage().contains("proxy.yaml:2: global.maxconn: expected a whole number, got <redacted>"),
                e.getMessage());
        assertTrue(e.getMessage().contains("frontends[0].default_backend: no backend named '<redacted>'"), e.getMessage());
    }

    @Test
    void aSecretMayHoldANumber() throws Exception {
        String yaml = """
                version: 1
                global: { maxconn: "${env:MAXCONN}" }
                """;
        ProxyConfig c = ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", yaml)), null,
                SecretSource.of(Map.of("MAXCONN", "1234"))).config();
        assertEquals(1234, c.global().maxconn());
    }

    /** A notification URL is a credential even when written literally: shown as scheme and host only. */
    @Test
    void notifyUrlsAreSecretsWhetherLiteralOrFromTheEnvironment() throws Exception {
        String literal = "https://hooks.example.com/services/T000/B000/literal-Token-123";
        String fromEnv = "https://user:pw-Token-456@chat.example.org:8443/hooks/x?token=abc";
        String yaml = """
                version: 1
                frontends:
                  - { name: web, bind: "*:8080", default_backend: app }
                backends:
                  - { name: app, servers: [ { name: a1, address: "127.0.0.1:9001" } ] }
                sync:
                  notify:
                    - { name: slack, url: "%s", format: slack, on: [applied, refused] }
                    - { name: ops, url: "${env:OPS_HOOK}" }
                    - { name: plain, url: "http://receiver.example.net" }
                """.formatted(literal);
        LoadedConfig loaded = ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", yaml)), null,
                SecretSource.of(Map.of("OPS_HOOK", fromEnv)));
        assertEquals(literal, loaded.config().sync().notifyTargets().get(0).url(), "the config keeps the real URL");
        assertEquals(fromEnv, loaded.config().sync().notifyTargets().get(1).url());
        String rendered = loaded.rendered();
        assertFalse(rendered.contains("literal-Token-123"), rendered);
        assertFalse(rendered.contains("pw-Token-456"), rendered);
        assertTrue(rendered.contains("url: https://hooks.example.com/<redacted>"), rendered);
        assertTrue(rendered.contains("url: <redacted>"), rendered);
        assertTrue(rendered.contains("url: http://receiver.example.net"), "nothing to hide: " + rendered);
        assertEquals("sent to <redacted> and <redacted>",
                loaded.redactor().redact("sent to " + literal + " and " + fromEnv));
        assertEquals("https://chat.example.org:8443/<redacted>",
                io.pointsman.proxy.config.NotifyTarget.displayUrl(fromEnv));
    }

    /** A host file adds a notify target by name and changes one. */
    @Test
    void hostFileMergesNotifyTargetsByName() throws Exception {
        String base = """
                version: 1
                frontends:
                  - { name: web, bind: "*:8080", default_backend: app }
                backends:
                  - { name: app, servers: [ { name: a1, address: "127.0.0.1:9001" } ] }
                sync:
                  notify:
                    - { name: team, url: "https://hooks.example.com/team", on: [refused] }
                """;
        String host = """
                sync:
                  notify:
                    - { name: team, on: [applied, refused] }
                    - { name: oncall, url: "https://pager.example.com/lb1", on: [health_gate_failed] }
                """;
        LoadedConfig loaded = ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", base, "hosts/lb1.yaml", host)),
                "lb1", SecretSource.of(Map.of()));
        var targets = loaded.config().sync().notifyTargets();
        assertEquals(List.of("team", "oncall"), targets.stream().map(t -> t.name()).toList());
        assertEquals("https://hooks.example.com/team", targets.get(0).url());
        assertEquals(List.of(io.pointsman.proxy.config.NotifyEvent.APPLIED, io.pointsman.proxy.config.NotifyEvent.REFUSED),
                targets.get(0).on());
    }
}
