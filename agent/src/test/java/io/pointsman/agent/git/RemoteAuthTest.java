package io.pointsman.agent.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteAuthTest {
    @TempDir
    Path tmp;

    @Test
    void tokenFromEnvironmentFileAndNeverInToString() throws Exception {
        Path f = tmp.resolve("token");
        Files.writeString(f, "ghp_secret123\n");
        try (RemoteAuth a = RemoteAuth.fromEnvironment(Map.of(RemoteAuth.ENV_TOKEN_FILE, f.toString()), tmp)) {
            assertFalse(a.toString().contains("ghp_secret123"));
            CredentialItem.Username u = new CredentialItem.Username();
            CredentialItem.Password p = new CredentialItem.Password();
            assertTrue(a.credentialsProvider().get(new URIish("https://host/x"), u, p));
            assertEquals(RemoteAuth.TOKEN_USER, u.getValue());
            assertEquals("ghp_secret123", new String(p.getValue()));
        }
    }

    @Test
    void userAndPassword() throws Exception {
        try (RemoteAuth a = RemoteAuth.fromEnvironment(Map.of(RemoteAuth.ENV_USER, "bob", RemoteAuth.ENV_PASSWORD, "pw"), tmp)) {
            CredentialItem.Username u = new CredentialItem.Username();
            CredentialItem.Password p = new CredentialItem.Password();
            assertTrue(a.credentialsProvider().get(new URIish("https://host/x"), u, p));
            assertEquals("bob", u.getValue());
            assertEquals("pw", new String(p.getValue()));
        }
    }

    @Test
    void nothingSetMeansNoAuth() {
        try (RemoteAuth a = RemoteAuth.fromEnvironment(Map.of(), tmp)) {
            assertNull(a.credentialsProvider());
            assertFalse(a.hasSsh());
        }
    }

    @Test
    void sshKeyWithKnownHostsBuildsASessionFactory() throws Exception {
        Path key = tmp.resolve("id_ed25519");
        Path known = tmp.resolve("known_hosts");
        Files.writeString(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n");
        Files.writeString(known, "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
        try (RemoteAuth a = RemoteAuth.fromEnvironment(Map.of(
                RemoteAuth.ENV_SSH_KEY, key.toString(), RemoteAuth.ENV_KNOWN_HOSTS, known.toString()), tmp.resolve("home"))) {
            assertTrue(a.hasSsh());
            LsRemoteCommand cmd = a.configure(Git.lsRemoteRepository());
            assertTrue(cmd != null);
            assertTrue(a.toString().contains("known_hosts"));
        }
    }

    @Test
    void sshKeyWithoutKnownHostsIsRefused() throws Exception {
        Path key = tmp.resolve("id");
        Files.writeString(key, "k");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RemoteAuth.fromEnvironment(Map.of(RemoteAuth.ENV_SSH_KEY, key.toString()), tmp));
        assertTrue(e.getMessage().contains(RemoteAuth.ENV_KNOWN_HOSTS));
    }
}
