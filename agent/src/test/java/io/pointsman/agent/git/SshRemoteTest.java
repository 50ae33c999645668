package io.pointsman.agent.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.sync.CentralRepo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh remotes for real: an Apache SSHD server on loopback serving {@code git-upload-pack} with
 * JGit, the agent authenticating with a key and checking the server against a known_hosts file.
 */
@Timeout(60)
class SshRemoteTest {
    @TempDir
    Path tmp;
    CentralRepo central;
    SshServer server;
    KeyPair hostKey;
    KeyPair clientKey;
    Path clientKeyFile;

    @BeforeEach
    void setUp() throws Exception {
        central = CentralRepo.create(tmp.resolve("remote"));
        hostKey = ecKey();
        clientKey = ecKey();
        clientKeyFile = tmp.resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(clientKeyFile)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "agent", null, out);
        }
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setCommandFactory((channel, command) -> new UploadPackCommand(central.root(), command));
        server.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private Path knownHosts(KeyPair key) throws IOException {
        Path f = tmp.resolve("known_hosts-" + System.nanoTime());
        Files.writeString(f, "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(key.getPublic()) + "\n");
        return f;
    }

    private String url() {
        return "ssh://git@127.0.0.1:" + server.getPort() + "/central.git";
    }

    @Test
    void fetchesOverSshWithKeyAndKnownHosts() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: ssh\n", "a");
        RemoteAuth auth = RemoteAuth.fromEnvironment(Map.of(RemoteAuth.ENV_SSH_KEY, clientKeyFile.toString(),
                RemoteAuth.ENV_KNOWN_HOSTS, knownHosts(hostKey).toString()), tmp.resolve("ssh-home"));
        try (GitMirror m = new GitMirror(url(), "main", tmp.resolve("s/repo.git"), auth, Duration.ofSeconds(10))) {
            assertEquals(a, m.remoteHead().name());
            assertEquals(a, m.fetch().name());
            assertEquals("version: 1\nname: ssh\n", m.read(m.localHead(), "lb1").get("proxy.yaml"));
            assertEquals("ssh://127.0.0.1:" + server.getPort() + "/central.git", m.displayUrl());
        }
    }

    @Test
    void unknownHostKeyIsRefused() throws Exception {
        central.push("proxy.yaml", "version: 1\n", "a");
        RemoteAuth auth = RemoteAuth.sshKey(clientKeyFile, knownHosts(ecKey()), tmp.resolve("ssh-home"));
        try (GitMirror m = new GitMirror(url(), "main", tmp.resolve("s/repo.git"), auth, Duration.ofSeconds(10))) {
            GitSyncException e = assertThrows(GitSyncException.class, m::remoteHead);
            assertEquals(GitSyncException.Kind.REMOTE_UNREACHABLE, e.kind());
        }
    }

    @Test
    void wrongClientKeyIsRefused() throws Exception {
        central.push("proxy.yaml", "version: 1\n", "a");
        Path other = tmp.resolve("id_other");
        try (OutputStream out = Files.newOutputStream(other)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(ecKey(), "other", null, out);
        }
        RemoteAuth auth = RemoteAuth.sshKey(other, knownHosts(hostKey), tmp.resolve("ssh-home"));
        try (GitMirror m = new GitMirror(url(), "main", tmp.resolve("s/repo.git"), auth, Duration.ofSeconds(10))) {
            GitSyncException e = assertThrows(GitSyncException.class, m::remoteHead);
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        }
    }

    /** {@code git-upload-pack '/central.git'} served by JGit from the test's remote directory. */
    static final class UploadPackCommand implements Command, Runnable {
        private final Path base;
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(Path base, String command) {
            this.base = base;
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(this, "test-upload-pack");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void run() {
            List<String> args = org.apache.sshd.server.command.CommandFactory.split(command);
            if (args.size() != 2 || !args.get(0).equals("git-upload-pack")) {
                exit.onExit(127, "only git-upload-pack is served");
                return;
            }
            String path = args.get(1).replace("'", "");
            Path dir = base.resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
            try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build()) {
                new UploadPack(repo).upload(in, out, err);
                out.flush();
                exit.onExit(0);
            } catch (IOException e) {
                exit.onExit(1, e.toString());
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            // the upload thread ends with the channel's streams
        }
    }
}
