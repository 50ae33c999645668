package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.sync.CentralRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pointsman diff} on real repositories: made with the git CLI, with JGit, and plain directories. */
class DiffCommandTest {
    static final String BASE = """
            version: 1
            stats:
              bind: "127.0.0.1:8404"
              auth: { user: admin, password: "${env:POINTSMAN_TEST_UNSET_PW:-Sup3rSecretDefault}" }
            frontends:
              - name: web
                bind: ["127.0.0.1:8080"]
                acl: [ { name: is-api, path_beg: ["/api/"] } ]
                use_backend: [ { backend: api, if: is-api } ]
                default_backend: app
            backends:
              - name: app
                servers:
                  - { name: a1, address: "127.0.0.1:9001" }
              - name: api
                servers:
                  - { name: p1, address: "127.0.0.1:9002" }
            """;
    static final String TESTS = """
            - { frontend: web, path: /api/x, expect_backend: api }
            - { frontend: web, path: /, expect_backend: app }
            """;

    @TempDir
    Path tmp;

    private Path gitRepo() throws Exception {
        Path dir = tmp.resolve("lb-config");
        Files.createDirectories(dir.resolve("hosts"));
        Files.createDirectories(dir.resolve("tests"));
        CentralRepo.git(tmp, "init", "-q", "-b", "main", dir.toString());
        Files.writeString(dir.resolve("proxy.yaml"), BASE);
        Files.writeString(dir.resolve("hosts/lb1.yaml"), "global: { maxconn: 100 }\n");
        Files.writeString(dir.resolve("hosts/lb2.yaml"), "frontends:\n  - { name: web, bind: [\"127.0.0.2:8080\"] }\n");
        Files.writeString(dir.resolve("tests/routes.yaml"), TESTS);
        CentralRepo.git(dir, "add", "-A");
        CentralRepo.git(dir, "commit", "-q", "-m", "base");
        return dir;
    }

    @Test
    void theWorkingTreeAgainstHeadOnEveryNode() throws Exception {
        Path dir = gitRepo();
        Files.writeString(dir.resolve("proxy.yaml"), BASE.replace("""
                  - name: api
                    servers:
                      - { name: p1, address: "127.0.0.1:9002" }
                """, """
                  - name: api
                    servers:
                      - { name: p1, address: "127.0.0.1:9002" }
                      - { name: p2, address: "127.0.0.1:9003" }
                  - name: api2
                    servers:
                      - { name: q1, address: "127.0.0.1:9004" }
                """));
        CliRun r = CliRun.of("diff", dir.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        String head = CentralRepo.git(dir, "rev-parse", "--short=7", "HEAD").strip();
        assertEquals("""
                pointsman diff: HEAD (%s) -> working tree

                node lb1: valid, 2 route tests pass
                  ~ backend api: + server p2
                  + backend api2

                node lb2: valid, 2 route tests pass
                  ~ backend api: + server p2
                  + backend api2
                """.formatted(head), r.out());
        assertFalse(r.out().contains("Sup3rSecretDefault"));
    }

    @Test
    void twoRevisionsAsMarkdownAndJsonWithARefusedNode() throws Exception {
        Path dir = gitRepo();
        CentralRepo.git(dir, "checkout", "-q", "-b", "feature");
        // lb2 now points at a backend that does not exist; lb1 gets a route change its test catches.
        Files.writeString(dir.resolve("hosts/lb2.yaml"), "frontends:\n  - { name: web, default_backend: nope }\n");
        Files.writeString(dir.resolve("hosts/lb1.yaml"), "global: { maxconn: 100 }\nfrontends:\n"
                + "  - { name: web, use_backend: [ { backend: app, if: is-api } ] }\n");
        Files.writeString(dir.resolve("hosts/lb3.yaml"), "global: { maxconn: 50 }\n");
        CentralRepo.git(dir, "add", "-A");
        CentralRepo.git(dir, "commit", "-q", "-m", "break things");

        CliRun md = CliRun.of("diff", dir.toString(), "--from", "main", "--to", "feature", "--all-nodes",
                "--format", "markdown");
        assertEquals(1, md.exitCode(), md.err() + md.out());
        String out = md.out();
        assertTrue(out.startsWith("### Pointsman preview: `main ("), out);
        assertTrue(out.contains("**Refused:** at least one node would not apply this change."), out);
        assertTrue(out.contains("| lb1 | ❌ refused | 1 | 1/2 pass |"), out);
        assertTrue(out.contains("| lb2 | ❌ refused | 0 | – |"), out);
        assertTrue(out.contains("| lb3 | ✅ valid | 1 | 2/2 pass |"), out);
        assertTrue(out.contains("hosts/lb2.yaml:2: frontends[0].default_backend: no backend named 'nope'"), out);
        assertTrue(out.contains("tests/routes.yaml:1: [0]: frontend 'web' path '/api/x': expected backend 'api', got backend 'app'"),
                out);
        assertTrue(out.contains("```diff\n~ frontend web: use_backend\n```"), out);

        CliRun json = CliRun.of("diff", dir.toString(), "--from", "main", "--to", "feature", "--node", "lb3",
                "--format", "json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode j = new ObjectMapper().readTree(json.out());
        assertTrue(j.get("valid").asBoolean());
        assertEquals("main", j.at("/from/label").asText());
        assertEquals(CentralRepo.git(dir, "rev-parse", "main").strip(), j.at("/from/revision").asText());
        assertEquals("lb3", j.at("/nodes/0/node").asText());
        assertEquals("~ global: maxconn", j.at("/nodes/0/changes/0").asText());
        assertEquals(2, j.at("/nodes/0/tests/total").asInt());

        CliRun bad = CliRun.of("diff", dir.toString(), "--from", "no-such-branch");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("'no-such-branch' is neither a directory nor a revision"), bad.err());
    }

    @Test
    void commitsMadeWithJgitInASubdirectoryOfTheRepo() throws Exception {
        Path top = tmp.resolve("infra");
        Path dir = top.resolve("lb");
        Files.createDirectories(dir.resolve("tests"));
        PersonIdent who = new PersonIdent("T", "t@example.invalid");
        try (Git git = Git.init().setDirectory(top.toFile()).setInitialBranch("main").call()) {
            Files.writeString(dir.resolve("proxy.yaml"), BASE);
            Files.writeString(dir.resolve("tests/routes.yaml"), TESTS);
            Files.writeString(top.resolve("README.md"), "other things\n");
            git.add().addFilepattern(".").call();
            RevCommit one = git.commit().setMessage("one").setAuthor(who).setCommitter(who).setSign(false).call();
            Files.writeString(dir.resolve("proxy.yaml"), BASE.replace("127.0.0.1:8080", "127.0.0.1:8081"));
            git.add().addFilepattern(".").call();
            RevCommit two = git.commit().setMessage("two").setAuthor(who).setCommitter(who).setSign(false).call();

            CliRun r = CliRun.of("diff", dir.toString(), "--from", one.name(), "--to", two.name());
            assertEquals(0, r.exitCode(), r.err() + r.out());
            assertTrue(r.out().contains("node (proxy.yaml alone): valid, 2 route tests pass\n"
                    + "  ~ frontend web: bind + 127.0.0.1:8081, bind - 127.0.0.1:8080\n"), r.out());
            CliRun same = CliRun.of("diff", dir.toString(), "--from", "HEAD~1", "--to", "HEAD~1");
            assertTrue(same.out().contains("  no changes\n"), same.out());
        }
    }

    @Test
    void twoDirectoriesWithoutGit() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createDirectories(a);
        Files.createDirectories(b);
        Files.writeString(a.resolve("proxy.yaml"), BASE);
        Files.writeString(b.resolve("proxy.yaml"), BASE.replace("version: 1\n", "version: 1\nkeepalived:\n"
                + "  vrrp_instances: [ { name: VI_1, interface: eth0, virtual_router_id: 51,"
                + " virtual_ipaddresses: [\"192.0.2.10/24\"] } ]\n"));
        CliRun r = CliRun.of("diff", "--from", a.toString(), "--to", b.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("  + keepalived\n"), r.out());
        CliRun noGit = CliRun.of("diff", a.toString());
        assertEquals(2, noGit.exitCode());
        assertTrue(noGit.err().contains("is not in a git repository: give --from REV|DIR"), noGit.err());
        CliRun both = CliRun.of("diff", a.toString(), "--node", "lb1", "--all-nodes");
        assertEquals(2, both.exitCode(), "--node and --all-nodes exclude each other");
    }
}
