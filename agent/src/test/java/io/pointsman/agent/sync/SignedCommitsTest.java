package io.pointsman.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.git.TrustedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --trusted-keys} (SPEC §5.9) with real keys from {@code ssh-keygen} and commits
 * signed by the real {@code git commit -S} ({@code gpg.format=ssh}).
 */
class SignedCommitsTest {
    private static final Duration POLL = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private CentralRepo central;
    private Path trusted;
    private Path teamKey;
    private Path strangerKey;

    @BeforeEach
    void setUp() throws Exception {
        central = CentralRepo.create(dir.resolve("central"));
        teamKey = keygen("team");
        strangerKey = keygen("stranger");
        trusted = Files.createDirectories(dir.resolve("trusted"));
        Files.copy(Path.of(teamKey + ".pub"), trusted.resolve("team.pub"));
        central.git("config", "gpg.format", "ssh");
    }

    private Path keygen(String name) throws Exception {
        Path key = dir.resolve("keys").resolve(name);
        Files.createDirectories(key.getParent());
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name + "@test.invalid",
                "-f", key.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ssh-keygen failed: " + out);
        return key;
    }

    /** Commits signed with {@code key}, or unsigned when null, and pushes. */
    private String push(Path key, String content, String message) throws IOException {
        central.write("proxy.yaml", content);
        central.git("add", "-A");
        if (key == null) {
            central.git("commit", "-q", "-m", message);
        } else {
            central.git("-c", "user.signingkey=" + key, "commit", "-q", "-S", "-m", message);
        }
        central.git("push", "-q", "-f", "origin", "HEAD:main");
        return central.head();
    }

    private TestNode node() throws Exception {
        TrustedKeys keys = TrustedKeys.load(trusted, dir.resolve("state"));
        TestNode n = TestNode.create("lb1", central.url(), dir.resolve("state"), POLL, Duration.ofSeconds(10), a -> a,
                o -> o.withTrustedKeys(keys));
        n.engine.start();
        return n;
    }

    @Test
    void signedByATrustedKeyIsAppliedOthersAreRefusedUntilTheBranchMoves() throws Exception {
        String good = push(teamKey, "version: 1\nname: a\n", "signed by the team");
        try (TestNode n = node()) {
            n.awaitApplied(good);

            String foreign = push(strangerKey, "version: 1\nname: b\n", "signed by someone else");
            n.awaitReason(SyncReason.SignatureRejected);
            SyncStatus s = n.status();
            assertEquals("main@sha1:" + good, s.lastAppliedRevision());
            assertFalse(s.ready());
            assertTrue(s.message().contains("not among the trusted keys"), s.message());
            n.awaitMoreSyncs(3);
            assertEquals(1, n.status().history().stream().filter(h -> h.revision().endsWith(foreign)).count(),
                    "refused once, not retried until the branch moves");

            String fixed = push(teamKey, "version: 1\nname: c\n", "the team signs on top");
            n.awaitReason(SyncReason.SignatureRejected);
            Await.until("the check of " + fixed, Duration.ofSeconds(15),
                    () -> n.status().lastAttemptedRevision().endsWith(fixed), n::describe);
            // The stranger's commit is still between the last applied one and the head.
            assertTrue(n.status().message().contains("signed by someone else"), n.status().message());
            assertEquals("main@sha1:" + good, n.status().lastAppliedRevision());

            central.git("reset", "-q", "--hard", good);
            String clean = push(teamKey, "version: 1\nname: d\n", "history rewritten without the foreign commit");
            n.awaitApplied(clean);
            assertEquals(SyncReason.Applied, n.status().reason());
        }
    }

    @Test
    void anUnsignedCommitUnderASignedHeadIsRefused() throws Exception {
        String base = push(teamKey, "version: 1\nname: a\n", "signed base");
        try (TestNode n = node()) {
            n.awaitApplied(base);
            n.engine.suspend("batching two commits");
            push(null, "version: 1\nname: b\n", "unsigned");
            String head = push(teamKey, "version: 1\nname: c\n", "signed head");
            n.engine.resume();
            n.awaitReason(SyncReason.SignatureRejected);
            assertTrue(n.status().message().contains("\"unsigned\") is not signed"), n.status().message());
            assertTrue(n.status().lastAttemptedRevision().endsWith(head));
            assertEquals("main@sha1:" + base, n.status().lastAppliedRevision());
        }
    }

    @Test
    void aDirectoryWithoutKeysIsAnError() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> TrustedKeys.load(empty, dir.resolve("s")));
        assertTrue(e.getMessage().contains("no keys"), e.getMessage());
        Files.writeString(empty.resolve("bad.pub"), "not a key\n");
        e = assertThrows(IOException.class, () -> TrustedKeys.load(empty, dir.resolve("s")));
        assertTrue(e.getMessage().contains("not an OpenSSH public key"), e.getMessage());
    }
}
