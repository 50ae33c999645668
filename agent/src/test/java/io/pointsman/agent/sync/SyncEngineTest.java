package io.pointsman.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.state.HistoryEntry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sync loop against real git repos (git CLI for the central repo, JGit for the mirror). */
@Timeout(60)
class SyncEngineTest {
    static final Duration POLL = Duration.ofMillis(200);

    @TempDir
    Path tmp;
    CentralRepo central;
    Path stateDir;

    @BeforeEach
    void setUp() throws IOException {
        central = CentralRepo.create(tmp.resolve("remote"));
        stateDir = tmp.resolve("state");
    }

    @Test
    void newCommitIsAppliedWithinOnePoll() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            String b = central.push("proxy.yaml", "version: 1\nname: b\n", "b");
            n.awaitApplied(b);
            assertEquals("b", n.applier.value("name"));
            SyncStatus s = n.status();
            assertEquals(SyncReason.Applied, s.reason());
            assertTrue(s.ready());
            assertEquals("main@sha1:" + b, s.lastAttemptedRevision());
            assertNotNull(s.lastFetchTime());
            assertNotNull(s.nextPollTime());
            HistoryEntry last = s.history().get(s.history().size() - 1);
            assertEquals("success", last.result());
            assertEquals("Applied", last.reason());
            assertEquals("main@sha1:" + b, last.revision());
        }
    }

    @Test
    void invalidCommitIsRefusedOnceAndLastGoodKeepsServing() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            String bad = central.push("proxy.yaml", "version: 1\ninvalid: true\n", "bad");
            n.awaitReason(SyncReason.ValidationFailed);
            n.awaitMoreSyncs(3); // polls find the same refused head
            SyncStatus s = n.status();
            assertEquals(SyncReason.ValidationFailed, s.reason());
            assertEquals("main@sha1:" + a, s.lastAppliedRevision());
            assertEquals("main@sha1:" + bad, s.lastAttemptedRevision());
            assertFalse(s.ready());
            assertTrue(n.applier.serving());
            assertTrue(s.message().contains("invalid"), s.message());
            long attemptsOfBad = s.history().stream().filter(h -> h.revision().endsWith(bad)).count();
            assertEquals(1, attemptsOfBad, "a refused commit is not retried until the branch moves");
        }
    }

    @Test
    void aRefusedCommitIsNotRetriedAfterARestart() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        String bad;
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            bad = central.push("proxy.yaml", "version: 1\ninvalid: true\n", "bad");
            n.awaitReason(SyncReason.ValidationFailed);
        }
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a); // the last good commit first, from the local clone
            n.awaitMoreSyncs(3); // polls find the same refused head
            SyncStatus s = n.status();
            assertEquals(SyncReason.ValidationFailed, s.reason(), n.describe());
            assertEquals("main@sha1:" + a, s.lastAppliedRevision());
            long attemptsOfBad = s.history().stream().filter(h -> h.revision().endsWith(bad)).count();
            assertEquals(1, attemptsOfBad, "the restart's re-apply of the last good commit forgot the refusal: "
                    + s.history());
        }
    }

    @Test
    void gitRevertIsAppliedLikeAnyCommit() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            String bad = central.push("proxy.yaml", "version: 1\ninvalid: true\n", "bad");
            n.awaitReason(SyncReason.ValidationFailed);
            String revert = central.revertAndPush(bad);
            n.awaitApplied(revert);
            assertEquals("a", n.applier.value("name"));
            assertEquals(SyncReason.Applied, n.status().reason());
        }
    }

    @Test
    void bindFailureIsRecordedAndRetriedAtTheNextPoll() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL);
             ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            n.awaitApplied(a);
            int port = squatter.getLocalPort();
            String b = central.push("proxy.yaml", "version: 1\nbind: \"127.0.0.1:" + port + "\"\n", "bind");
            n.awaitReason(SyncReason.BindFailed);
            assertEquals("main@sha1:" + a, n.status().lastAppliedRevision());
            Await.until("a second bind attempt", Duration.ofSeconds(10),
                    () -> n.status().history().stream().filter(h -> h.reason().equals("BindFailed")).count() >= 2,
                    n::describe);
            squatter.close();
            n.awaitApplied(b);
            List<HistoryEntry> h = n.status().history();
            assertEquals("success", h.get(h.size() - 1).result());
        }
    }

    @Test
    void restartWithRemoteGoneServesLastGoodFirst() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
        }
        Files.move(central.bare(), tmp.resolve("moved-away.git"));
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            assertEquals("a", n.applier.value("name"));
            n.awaitReason(SyncReason.FetchFailed);
            assertEquals("main@sha1:" + a, n.status().lastAppliedRevision());
            assertTrue(n.applier.serving(), "the last good generation serves while the remote is gone");
        }
    }

    @Test
    void forcePushIsFollowed() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            String b = central.push("proxy.yaml", "version: 1\nname: b\n", "b");
            n.awaitApplied(b);
            central.resetHard(a);
            central.write("proxy.yaml", "version: 1\nname: c\n");
            String c = central.git("commit", "-q", "-am", "c instead of b").isEmpty() ? central.head() : central.head();
            central.forcePush();
            n.awaitApplied(c);
            assertEquals("c", n.applier.value("name"));
        }
    }

    @Test
    void corruptLocalCloneIsDetectedAndRecloned() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
        }
        int deleted = deleteObjectFiles(stateDir.resolve("repo.git/objects"));
        assertTrue(deleted > 0, "the test must damage the clone");
        String b = central.push("proxy.yaml", "version: 1\nname: b\n", "b");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(b);
            assertEquals("b", n.applier.value("name"));
            // JGit may heal the clone by fetching everything again, or the engine re-clones it:
            // either way both commits must be whole again.
            System.out.println("corrupt clone: repairs=" + n.engine.metrics().repairCount());
            try (var mirror = new io.pointsman.agent.git.GitMirror(central.url(), "main", stateDir.resolve("repo.git"),
                    io.pointsman.agent.git.RemoteAuth.none(), Duration.ofSeconds(5))) {
                assertTrue(mirror.has(org.eclipse.jgit.lib.ObjectId.fromString(b)));
                assertTrue(mirror.has(org.eclipse.jgit.lib.ObjectId.fromString(a)));
            }
        }
    }

    @Test
    void garbledPackIsDetectedByVerifyAndTheEngineReclones() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
        }
        // Overwrite every pack's body with zeros but keep its index: git believes it has the
        // objects, reading them fails. Only an fsck-like check finds that; a fetch would not.
        int garbled = 0;
        try (Stream<Path> s = Files.walk(stateDir.resolve("repo.git/objects"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".pack")).toList()) {
                long size = Files.size(p);
                Files.write(p, new byte[(int) size]);
                garbled++;
            }
        }
        assertTrue(garbled > 0, "the test must damage the clone");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            assertEquals("a", n.applier.value("name"));
            assertTrue(n.engine.metrics().repairCount() >= 1, "re-cloned: " + n.describe());
        }
    }

    /** Deletes the pack and loose object files (not the refs), as a disk fault would. */
    static int deleteObjectFiles(Path objects) throws IOException {
        int n = 0;
        try (Stream<Path> s = Files.walk(objects)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                boolean pack = name.endsWith(".pack");
                boolean loose = p.getParent().getFileName().toString().matches("[0-9a-f]{2}");
                if (pack || loose) {
                    Files.delete(p);
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void deletedBranchIsReportedAndLastGoodKept() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            central.deleteRemoteBranch();
            n.awaitReason(SyncReason.FetchFailed);
            SyncStatus s = n.status();
            assertTrue(s.message().contains("branch 'main' not found"), s.message());
            assertEquals("main@sha1:" + a, s.lastAppliedRevision());
            assertTrue(n.applier.serving());
        }
    }

    @Test
    void twoNodesReadTheirOwnHostFiles() throws Exception {
        central.write("proxy.yaml", "version: 1\nrole: none\n");
        central.write("hosts/lb1.yaml", "role: master\n");
        central.write("hosts/lb2.yaml", "role: backup\n");
        String a = central.commitAndPush("two nodes");
        try (TestNode lb1 = TestNode.start("lb1", central.url(), tmp.resolve("state-lb1"), POLL);
             TestNode lb2 = TestNode.start("lb2", central.url(), tmp.resolve("state-lb2"), POLL)) {
            lb1.awaitApplied(a);
            lb2.awaitApplied(a);
            assertEquals("master", lb1.applier.value("role"));
            assertEquals("backup", lb2.applier.value("role"));
            String b = central.push("hosts/lb2.yaml", "role: master-too\n", "lb2 only");
            lb1.awaitApplied(b);
            lb2.awaitApplied(b);
            assertEquals("master", lb1.applier.value("role"));
            assertEquals("master-too", lb2.applier.value("role"));
        }
    }

    @Test
    void applyDelayHoldsARevisionThenApplies() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            central.write("proxy.yaml", "version: 1\nname: b\n");
            central.write("hosts/lb1.yaml", "sync: { apply_delay: 1500ms }\n");
            String b = central.commitAndPush("b with a canary delay");
            n.awaitReason(SyncReason.Waiting);
            assertEquals("main@sha1:" + a, n.status().lastAppliedRevision(), "held back while waiting");
            assertTrue(n.status().message().contains("apply_delay"), n.status().message());
            n.awaitApplied(b);
            assertEquals(SyncReason.Applied, n.status().reason());
        }
    }

    @Test
    void applyDelayDoesNotHoldANodeThatServesNothingYet() throws Exception {
        central.write("proxy.yaml", "version: 1\nname: a\n");
        central.write("hosts/lb1.yaml", "sync: { apply_delay: 1h }\n");
        String a = central.commitAndPush("a, with an hour of canary delay for lb1");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a); // the first config of an empty node is not held back
            String b = central.push("proxy.yaml", "version: 1\nname: b\n", "b");
            n.awaitReason(SyncReason.Waiting);
            assertEquals("main@sha1:" + a, n.status().lastAppliedRevision(), "a change is held back: " + b);
        }
    }

    @Test
    void suspendAndResume() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            n.engine.suspend("maintenance window");
            String b = central.push("proxy.yaml", "version: 1\nname: b\n", "b");
            n.awaitMoreSyncs(3);
            SyncStatus s = n.status();
            assertEquals(SyncReason.Suspended, s.reason());
            assertTrue(s.suspended());
            assertTrue(s.message().contains("maintenance window"), s.message());
            assertEquals("main@sha1:" + a, s.lastAppliedRevision());
            n.engine.resume();
            n.awaitApplied(b);
            assertFalse(n.status().suspended());
        }
    }

    @Test
    void suspendSurvivesRestart() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a);
            n.engine.suspend("frozen");
        }
        central.push("proxy.yaml", "version: 1\nname: b\n", "b");
        try (TestNode n = TestNode.start("lb1", central.url(), stateDir, POLL)) {
            n.awaitApplied(a); // the last good commit serves again at start
            n.awaitMoreSyncs(2);
            assertEquals(SyncReason.Suspended, n.status().reason());
            assertEquals("main@sha1:" + a, n.status().lastAppliedRevision());
        }
    }

    @Test
    void throughGitDaemonOnLoopback() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path base = central.root();
        Process daemon = new ProcessBuilder("git", "daemon", "--export-all", "--reuseaddr",
                "--base-path=" + base, "--port=" + port, "--listen=127.0.0.1", base.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile()).start();
        try {
            Await.until("git daemon to listen on " + port, Duration.ofSeconds(10), () -> canConnect(port));
            try (TestNode n = TestNode.start("lb1", "git://127.0.0.1:" + port + "/central.git", stateDir, POLL)) {
                n.awaitApplied(a);
                String b = central.push("proxy.yaml", "version: 1\nname: b\n", "b");
                n.awaitApplied(b);
                assertEquals("b", n.applier.value("name"));
            }
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    private static boolean canConnect(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
