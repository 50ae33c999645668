package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    static final String VALID = """
            version: 1
            stats:
              bind: "127.0.0.1:8404"
              auth: { user: admin, password: "${env:POINTSMAN_TEST_UNSET_PW:-changeme}" }
            frontends:
              - name: web
                bind: "*:8080"
                default_backend: app
            backends:
              - name: app
                servers:
                  - { name: a1, address: "127.0.0.1:9001" }
            """;

    @TempDir
    Path tmp;

    Path repo(String proxyYaml) throws IOException {
        Path dir = tmp.resolve("lb-config");
        Files.createDirectories(dir.resolve("hosts"));
        Files.writeString(dir.resolve("proxy.yaml"), proxyYaml);
        return dir;
    }

    @Test
    void aValidRepoWithHostFilesExitsZero() throws Exception {
        Path dir = repo(VALID);
        Files.writeString(dir.resolve("hosts/lb2.yaml"), "global: { maxconn: 10 }\n");
        Files.writeString(dir.resolve("hosts/lb1.yaml"), "global: { threads: 1 }\n");
        CliRun r = CliRun.of("validate", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("lb-config: valid (proxy.yaml; nodes: lb1, lb2)\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void oneNode() throws Exception {
        Path dir = repo(VALID);
        Files.writeString(dir.resolve("hosts/lb1.yaml"), "global: { threads: 1 }\n");
        CliRun r = CliRun.of("validate", dir.toString(), "--node", "lb1");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("lb-config: valid (proxy.yaml + hosts/lb1.yaml)\n", r.out());
        CliRun other = CliRun.of("validate", dir.toString(), "--node", "lb7");
        assertEquals("lb-config: valid (proxy.yaml; node lb7 has no hosts/lb7.yaml)\n", other.out());
    }

    @Test
    void errorsGoToStderrOnePerLineAndExitOne() throws Exception {
        Path dir = repo(VALID.replace("default_backend: app", "default_backend: ap\n    maxconn: lots"));
        CliRun r = CliRun.of("validate", dir.toString());
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("""
                proxy.yaml:8: frontends[0].default_backend: no backend named 'ap' (did you mean 'app'?)
                proxy.yaml:9: frontends[0].maxconn: expected a whole number, got 'lots'
                """, r.err());
    }

    @Test
    void withoutNodeEveryHostFileIsCheckedAndErrorsSayWhere() throws Exception {
        Path dir = repo(VALID);
        Files.writeString(dir.resolve("hosts/lb1.yaml"), "global: { threads: -1 }\n");
        Files.writeString(dir.resolve("hosts/lb2.yaml"), "backends:\n  - { name: app, delete: true }\n");
        CliRun r = CliRun.of("validate", dir.toString());
        assertEquals(1, r.exitCode());
        assertEquals("""
                hosts/lb1.yaml:1: global.threads: threads must not be negative, got -1
                proxy.yaml:8: frontends[0].default_backend: no backend named 'app' (node lb2)
                """, r.err());
        // --node limits the check to that node.
        assertEquals(0, CliRun.of("validate", dir.toString(), "--node", "lb3").exitCode());
    }

    @Test
    void aMissingSecretIsAnErrorThatNamesTheVariable() throws Exception {
        Path dir = repo(VALID.replace("${env:POINTSMAN_TEST_UNSET_PW:-changeme}", "${env:POINTSMAN_TEST_UNSET_PW}"));
        CliRun r = CliRun.of("validate", dir.toString());
        assertEquals(1, r.exitCode());
        assertEquals("proxy.yaml:4: stats.auth.password: secret ${env:POINTSMAN_TEST_UNSET_PW}: "
                + "environment variable 'POINTSMAN_TEST_UNSET_PW' is not set\n", r.err());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        CliRun noProxyYaml = CliRun.of("validate", tmp.toString());
        assertEquals(2, noProxyYaml.exitCode());
        assertEquals("pointsman validate: no proxy.yaml in " + tmp + "\n", noProxyYaml.err());
        assertEquals(2, CliRun.of("validate", tmp.resolve("nope").toString()).exitCode());
        assertEquals(2, CliRun.of("validate", "--bogus").exitCode());
        assertEquals(2, CliRun.of("validate", "a", "b").exitCode());
    }

    @Test
    void helpShowsAnExample() {
        CliRun r = CliRun.of("validate", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("pointsman validate config-repo-template"), r.out());
        assertTrue(r.out().contains("--node"), r.out());
    }
}
