package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
    static final String SECRET = "render-s3cret-from-a-file";

    @TempDir
    Path tmp;

    Path repo() throws Exception {
        Path secret = tmp.resolve("stats.pw");
        Files.writeString(secret, SECRET + "\n");
        Path dir = tmp.resolve("repo");
        Files.createDirectories(dir.resolve("hosts"));
        Files.writeString(dir.resolve("proxy.yaml"), """
                version: 1
                global: { maxconn: 100, threads: 2 }
                stats:
                  bind: "127.0.0.1:8404"
                  auth: { user: admin, password: "${file:%s}" }
                frontends:
                  - name: web
                    bind: "*:8080"
                    default_backend: app
                backends:
                  - name: app
                    servers:
                      - { name: a1, address: "127.0.0.1:9001" }
                      - { name: a2, address: "127.0.0.1:9002" }
                """.formatted(secret));
        Files.writeString(dir.resolve("hosts/lb1.yaml"), """
                global: { threads: null, maxconn: 50 }
                backends:
                  - name: app
                    servers:
                      - { name: a2, delete: true }
                """);
        return dir;
    }

    @Test
    void printsTheMergedConfigWithSecretsRedacted() throws Exception {
        CliRun r = CliRun.of("render", repo().toString(), "--node", "lb1");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("""
                # node lb1: proxy.yaml + hosts/lb1.yaml; secrets redacted
                version: 1
                global:
                  maxconn: 50
                stats:
                  bind: 127.0.0.1:8404
                  auth:
                    user: admin
                    password: <redacted>
                frontends:
                  - name: web
                    bind: '*:8080'
                    default_backend: app
                backends:
                  - name: app
                    servers:
                      - name: a1
                        address: 127.0.0.1:9001
                """, r.out());
        assertFalse(r.out().contains(SECRET));
        assertEquals("", r.err());
    }

    @Test
    void aNodeWithoutHostFileGetsProxyYaml() throws Exception {
        CliRun r = CliRun.of("render", repo().toString(), "--node", "lb2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("# node lb2: proxy.yaml (no hosts/lb2.yaml); secrets redacted\n"), r.out());
        assertTrue(r.out().contains("name: a2"));
    }

    @Test
    void invalidMergeExitsOneWithErrorsAndNoSecret() throws Exception {
        Path dir = repo();
        Files.writeString(dir.resolve("hosts/lb1.yaml"), "stats: { auth: { password: \"" + "${file:"
                + tmp.resolve("stats.pw") + "}\", user: [x] } }\n");
        CliRun r = CliRun.of("render", dir.toString(), "--node", "lb1");
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("hosts/lb1.yaml:1: stats.auth.user: expected a string, got a list\n", r.err());
        assertFalse(r.err().contains(SECRET));
    }

    @Test
    void usageErrorsExitTwoAndHelpHasAnExample() throws Exception {
        assertEquals(2, CliRun.of("render", tmp.toString()).exitCode());
        assertEquals(2, CliRun.of("render", "--node").exitCode());
        CliRun help = CliRun.of("render", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("pointsman render --node lb1"), help.out());
    }

    @Test
    void defaultNodeIsTheHostName() {
        String name = RenderCommand.localHostName();
        assertFalse(name.isBlank());
    }
}
