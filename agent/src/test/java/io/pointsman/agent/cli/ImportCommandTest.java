package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pointsman import}: exit statuses, the report, and an output directory written whole or not at all. */
class ImportCommandTest {
    private static final Path SEED = Path.of("../examples/seed-2011");

    @Test
    void theSeedImportsIntoARepoThatValidates(@TempDir Path tmp) {
        Path out = tmp.resolve("repo");
        CliRun r = CliRun.of("import", SEED.resolve("haproxy.cfg").toString(), "--keepalived",
                "lb1=" + SEED.resolve("keepalived.conf"), "-o", out.toString());
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("haproxy.cfg:31: stats show-legends: Pointsman's stats page has no legends"), r.out());
        assertTrue(r.out().contains("Not translated:"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("proxy.yaml")));
        assertTrue(Files.isRegularFile(out.resolve("hosts/lb1.yaml")));
        assertTrue(Files.isRegularFile(out.resolve("tests/routes.yaml")));
        assertTrue(Files.isRegularFile(out.resolve("README.md")));
        CliRun v = CliRun.of("validate", out.toString());
        assertEquals(0, v.exitCode(), v.err());
        assertTrue(v.out().contains("nodes: lb1"), v.out());
    }

    @Test
    void everythingTranslatedExitsZero(@TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend fe
                    bind 127.0.0.1:8080
                    default_backend be
                backend be
                    server s1 127.0.0.1:9001 check
                """);
        CliRun r = CliRun.of("import", cfg.toString(), "-o", tmp.resolve("out").toString(), "--node", "lb1");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(Files.isRegularFile(tmp.resolve("out/hosts/lb1.yaml")));
    }

    @Test
    void unreadableOrRefusedInputWritesNothing(@TempDir Path tmp) throws Exception {
        CliRun missing = CliRun.of("import", tmp.resolve("nope.cfg").toString(), "-o", tmp.resolve("a").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("cannot read"), missing.err());
        assertFalse(Files.exists(tmp.resolve("a")));

        Path bad = tmp.resolve("bad.cfg");
        Files.writeString(bad, "frontend fe\n    bind :80\n    use_backend x if { path_beg /a\n");
        CliRun refused = CliRun.of("import", bad.toString(), "-o", tmp.resolve("b").toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("bad.cfg:3: use_backend: missing closing '}' in condition"), refused.err());
        assertTrue(refused.err().contains("nothing written"), refused.err());
        assertFalse(Files.exists(tmp.resolve("b")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".import-")), "no temporary directory left");
        }
    }

    @Test
    void aNonEmptyOutputDirectoryIsRefusedAndLeftAlone(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("mine.txt"), "keep me");
        CliRun r = CliRun.of("import", SEED.resolve("haproxy.cfg").toString(), "-o", out.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("not empty"), r.err());
        assertEquals("keep me", Files.readString(out.resolve("mine.txt")));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(1, s.count());
        }
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(2, CliRun.of("import", SEED.resolve("haproxy.cfg").toString(), "-o", empty.toString()).exitCode());
        assertTrue(Files.isRegularFile(empty.resolve("proxy.yaml")));
    }

    @Test
    void badUsageExitsOne() {
        assertEquals(1, CliRun.of("import").exitCode());
        assertEquals(1, CliRun.of("import", "x.cfg", "--node", "../evil").exitCode());
        assertTrue(CliRun.of("import", "--help").out().contains("Exit status: 0 everything translated"));
    }
}
