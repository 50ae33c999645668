package io.pointsman.agent.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.sync.CentralRepo;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class GitMirrorTest {
    @TempDir
    Path tmp;
    CentralRepo central;

    @BeforeEach
    void setUp() throws IOException {
        central = CentralRepo.create(tmp.resolve("remote"));
    }

    private GitMirror mirror(String url) {
        return new GitMirror(url, "main", tmp.resolve("state/repo.git"), RemoteAuth.none(), Duration.ofSeconds(5));
    }

    @Test
    void lsRemoteFetchAndReadTheNodesFiles() throws Exception {
        central.write("proxy.yaml", "version: 1\n");
        central.write("hosts/lb1.yaml", "x: 1\n");
        central.write("hosts/lb2.yaml", "x: 2\n");
        central.write("tests/routes.yaml", "- {frontend: f, expect: reject}\n");
        central.write("README.md", "not read\n");
        String a = central.commitAndPush("a");
        try (GitMirror m = mirror(central.url())) {
            assertNull(m.localHead(), "no clone before the first fetch");
            ObjectId remote = m.remoteHead();
            assertEquals(a, remote.name());
            assertEquals(remote, m.fetch());
            assertEquals(remote, m.localHead());
            ConfigFiles files = m.read(remote, "lb1");
            assertEquals("version: 1\n", files.get("proxy.yaml"));
            assertEquals("x: 1\n", files.get("hosts/lb1.yaml"));
            assertNull(files.get("hosts/lb2.yaml"));
            assertEquals(3, files.files().size(), files.files().keySet().toString());
            assertTrue(Files.isRegularFile(tmp.resolve("state/repo.git/HEAD")), "bare clone under state-dir/repo.git");
        }
    }

    @Test
    void plainPathRemoteWorks() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\n", "a");
        try (GitMirror m = mirror(central.bare().toString())) {
            assertEquals(a, m.remoteHead().name());
            assertEquals(a, m.fetch().name());
        }
    }

    @Test
    void jgitBuiltCommitsAreFollowed() throws Exception {
        central.push("proxy.yaml", "version: 1\nname: cli\n", "from the git CLI");
        // A second commit made with JGit directly in the bare repo's clone, pushed with JGit.
        Path jwork = tmp.resolve("jgit-work");
        try (Git g = Git.cloneRepository().setURI(central.url()).setDirectory(jwork.toFile()).call()) {
            Files.writeString(jwork.resolve("proxy.yaml"), "version: 1\nname: jgit\n");
            g.add().addFilepattern("proxy.yaml").call();
            RevCommit c = g.commit().setMessage("from jgit").setAuthor("t", "t@pointsman.invalid")
                    .setCommitter("t", "t@pointsman.invalid").setSign(false).call();
            g.push().call();
            try (GitMirror m = mirror(central.url())) {
                assertEquals(c.getId(), m.fetch());
                assertEquals("version: 1\nname: jgit\n", m.read(c.getId(), "lb1").get("proxy.yaml"));
                assertEquals(c.getId(), m.resolve("main@sha1:" + c.getId().name()));
                assertEquals(c.getId(), m.resolve("main"));
                assertEquals(c.getId(), m.resolve(c.getId().name().substring(0, 10)));
            }
        }
    }

    @Test
    void missingBranchAndUnreachableRemoteAreTold() throws Exception {
        central.push("proxy.yaml", "version: 1\n", "a");
        try (GitMirror m = new GitMirror(central.url(), "nope", tmp.resolve("s/repo.git"), RemoteAuth.none(), Duration.ofSeconds(5))) {
            GitSyncException e = assertThrows(GitSyncException.class, m::remoteHead);
            assertEquals(GitSyncException.Kind.BRANCH_NOT_FOUND, e.kind());
        }
        try (GitMirror m = mirror(tmp.resolve("does-not-exist.git").toUri().toString())) {
            GitSyncException e = assertThrows(GitSyncException.class, m::remoteHead);
            assertEquals(GitSyncException.Kind.REMOTE_UNREACHABLE, e.kind());
        }
    }

    @Test
    void aRemoteThatNeverAnswersTimesOut() throws Exception {
        // Accepts connections and then says nothing: only the JGit timeout ends the wait.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            }, "silent-remote");
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "git://127.0.0.1:" + silent.getLocalPort() + "/cfg.git";
            long t0 = System.nanoTime();
            try (GitMirror m = new GitMirror(url, "main", tmp.resolve("s/repo.git"), RemoteAuth.none(), Duration.ofSeconds(1))) {
                GitSyncException e = assertThrows(GitSyncException.class, m::remoteHead);
                assertEquals(GitSyncException.Kind.REMOTE_UNREACHABLE, e.kind());
                System.out.println("silent remote: gave up after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + e.getMessage());
            } finally {
                for (java.net.Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void damagedCloneIsDetectedByVerifyAndRepairedByRecloning() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\n", "a");
        ObjectId id = ObjectId.fromString(a);
        Path objects = tmp.resolve("state/repo.git/objects");
        try (GitMirror m = mirror(central.url())) {
            m.fetch();
            m.markLastGood(id);
            m.verify(id);
        }
        try (Stream<Path> s = Files.walk(objects)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (p.toString().endsWith(".pack") || p.getParent().getFileName().toString().matches("[0-9a-f]{2}")) {
                    Files.delete(p);
                }
            }
        }
        try (GitMirror m = mirror(central.url())) {
            GitSyncException e = assertThrows(GitSyncException.class, () -> m.verify(id));
            assertEquals(GitSyncException.Kind.CORRUPT_CLONE, e.kind());
            assertFalse(m.has(id));
            assertThrows(GitSyncException.class, () -> m.read(id, "lb1"));
            assertEquals(id, m.repair());
            m.verify(id);
            assertEquals("version: 1\n", m.read(id, "lb1").get("proxy.yaml"));
        }
    }

    @Test
    void timeoutIsRoundedUpToWholeSecondsAndUrlIsShownWithoutCredentials() {
        try (GitMirror m = new GitMirror("https://alice:s3cret@git.example.invalid/cfg.git", "main",
                tmp.resolve("x/repo.git"), RemoteAuth.none(), Duration.ofMillis(300))) {
            assertEquals("https://git.example.invalid/cfg.git", m.displayUrl());
        }
    }
}
