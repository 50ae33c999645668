package io.pointsman.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.git.TrustedKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
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
            assertEquals(1, n.events.stream().filter(e -> e.kind() == io.pointsman.proxy.config.NotifyEvent.SIGNATURE_REJECTED
                    && e.revision().endsWith(foreign)).count(), "the notifier is told once: " + n.events);

            String fixed = push(teamKey, "version: 1\nname: c\n", "the team signs on top");
            n.awaitReason(SyncReason.SignatureRejected);
            Await.until("the check of " + fixed, Duration.ofSeconds(15),
                    () -> n.status().message().startsWith("main@sha1:" + fixed), n::describe);
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

    // ---- OpenPGP: real GnuPG keys and git commit -S with gpg.format=openpgp

    private final List<Path> gnupgHomes = new ArrayList<>();

    @AfterEach
    void stopGpgAgents() throws Exception {
        for (Path home : gnupgHomes) { // the agents our gpg calls started, by their home dir
            run(home, List.of("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent"), null);
        }
    }

    /** A GnuPG home with one fresh ed25519 signing key; returns {home, fingerprint}. */
    private String[] gpgKey(String name) throws Exception {
        Path home = Files.createDirectories(dir.resolve("gpg-" + name));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        gnupgHomes.add(home);
        run(home, List.of("gpg", "--homedir", home.toString(), "--batch", "--pinentry-mode", "loopback",
                "--passphrase", "", "--quick-gen-key", name + " <" + name + "@test.invalid>", "ed25519", "sign", "never"), null);
        String colons = run(home, List.of("gpg", "--homedir", home.toString(), "--batch", "--with-colons",
                "--list-secret-keys"), null);
        String fpr = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
        return new String[] {home.toString(), fpr};
    }

    private void exportKey(String[] key, Path to) throws Exception {
        Files.writeString(to, run(Path.of(key[0]), List.of("gpg", "--homedir", key[0], "--batch", "--armor",
                "--export", key[1]), null));
    }

    private String pushPgp(String[] key, String content, String message) throws Exception {
        central.write("proxy.yaml", content);
        central.git("add", "-A");
        Path work = central.root().resolve("work");
        run(work, List.of("git", "-c", "user.name=Pointsman Test", "-c", "user.email=test@pointsman.invalid",
                "-c", "gpg.format=openpgp", "-c", "user.signingkey=" + key[1], "commit", "-q", "-S", "-m", message), key[0]);
        central.git("push", "-q", "-f", "origin", "HEAD:main");
        return central.head();
    }

    private static String run(Path cwd, List<String> cmd, String gnupgHome) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        if (gnupgHome != null) {
            pb.environment().put("GNUPGHOME", gnupgHome);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }

    @Test
    void openPgpSignedCommitsAreCheckedAgainstExportedKeys() throws Exception {
        String[] team = gpgKey("team");
        String[] stranger = gpgKey("stranger");
        Files.delete(trusted.resolve("team.pub")); // only the OpenPGP key is trusted here
        exportKey(team, trusted.resolve("team.asc"));

        String good = pushPgp(team, "version: 1\nname: a\n", "gpg-signed by the team");
        try (TestNode n = node()) {
            n.awaitApplied(good);

            pushPgp(stranger, "version: 1\nname: b\n", "gpg-signed by someone else");
            n.awaitReason(SyncReason.SignatureRejected);
            assertTrue(n.status().message().contains("which is not among the trusted keys"), n.status().message());

            // The team's signature on a commit whose message was changed afterwards: the
            // same signature bytes over a different payload.
            central.git("reset", "-q", "--hard", good);
            String signed = pushPgp(team, "version: 1\nname: c\n", "deploy c");
            String raw = central.git("cat-file", "commit", signed);
            Files.writeString(dir.resolve("forged"), raw.replace("deploy c", "deploy d"));
            String forged = central.git("hash-object", "-t", "commit", "-w", dir.resolve("forged").toString()).strip();
            central.git("push", "-q", "-f", "origin", forged + ":refs/heads/main");
            Await.until("the refusal of the forged commit", Duration.ofSeconds(15),
                    () -> n.status().message().contains("commit " + forged.substring(0, 12)), n::describe);
            assertEquals(SyncReason.SignatureRejected, n.status().reason(), n.describe());
            assertTrue(n.status().message().contains("bad OpenPGP signature"), n.status().message());

            central.git("push", "-q", "-f", "origin", signed + ":refs/heads/main");
            n.awaitApplied(signed);
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
        Files.delete(empty.resolve("bad.pub"));
        Files.writeString(empty.resolve("bad.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n");
        e = assertThrows(IOException.class, () -> TrustedKeys.load(empty, dir.resolve("s")));
        assertTrue(e.getMessage().contains("not an OpenPGP public key"), e.getMessage());
    }
}
