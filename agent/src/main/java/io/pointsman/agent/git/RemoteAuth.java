package io.pointsman.agent.git;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How the agent proves itself to the remote: nothing (file://, git://, public http),
 * a user name and password or token (http(s)), or an ssh key checked against a known_hosts
 * file (ssh). Secrets are held here only; {@link #toString()} never shows them.
 *
 * <p>Close it when the mirror closes: an ssh session factory owns threads.
 */
public final class RemoteAuth implements AutoCloseable {
    /** Environment variables read by {@link #fromEnvironment}. */
    public static final String ENV_USER = "POINTSMAN_GIT_USER";
    public static final String ENV_PASSWORD = "POINTSMAN_GIT_PASSWORD";
    public static final String ENV_PASSWORD_FILE = "POINTSMAN_GIT_PASSWORD_FILE";
    public static final String ENV_TOKEN = "POINTSMAN_GIT_TOKEN";
    public static final String ENV_TOKEN_FILE = "POINTSMAN_GIT_TOKEN_FILE";
    public static final String ENV_SSH_KEY = "POINTSMAN_GIT_SSH_KEY";
    public static final String ENV_KNOWN_HOSTS = "POINTSMAN_GIT_KNOWN_HOSTS";

    /** User name sent with a bare token; GitHub and GitLab accept any non-empty name with a token. */
    public static final String TOKEN_USER = "x-access-token";

    private final String user;
    private final char[] password;
    private final SshdSessionFactory sshFactory;
    private final String description;

    private RemoteAuth(String user, char[] password, SshdSessionFactory sshFactory, String description) {
        this.user = user;
        this.password = password;
        this.sshFactory = sshFactory;
        this.description = description;
    }

    public static RemoteAuth none() {
        return new RemoteAuth(null, null, null, "none");
    }

    public static RemoteAuth usernamePassword(String user, String password) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("git user name is empty");
        }
        if (password == null) {
            throw new IllegalArgumentException("git password for user '" + user + "' is missing");
        }
        return new RemoteAuth(user, password.toCharArray(), null, "user " + user + " with password");
    }

    public static RemoteAuth token(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("git token is empty");
        }
        return new RemoteAuth(TOKEN_USER, token.strip().toCharArray(), null, "token");
    }

    /**
     * Public-key authentication with one private key, the server checked against
     * {@code knownHosts} only (never "accept any host"; an unknown or changed host key fails).
     *
     * @param sshDirectory where JGit reads an ssh {@code config} (e.g. {@code ~/.ssh}, for a
     *                     ProxyJump or a port); keys and known hosts come from the arguments
     *                     only, whatever that directory holds
     */
    public static RemoteAuth sshKey(Path privateKey, Path knownHosts, Path sshDirectory) {
        if (!Files.isReadable(privateKey)) {
            throw new IllegalArgumentException("ssh private key not readable: " + privateKey);
        }
        if (!Files.isReadable(knownHosts)) {
            throw new IllegalArgumentException("ssh known_hosts not readable: " + knownHosts);
        }
        Path ssh = sshDirectory.toAbsolutePath();
        File home = (ssh.getParent() != null ? ssh.getParent() : ssh).toFile();
        SshdSessionFactory factory = new SshdSessionFactoryBuilder()
                .setPreferredAuthentications("publickey")
                .setHomeDirectory(home)
                .setSshDirectory(ssh.toFile())
                .setDefaultIdentities(dir -> List.of(privateKey))
                .setDefaultKnownHostsFiles(dir -> List.of(knownHosts))
                .build(null);
        return new RemoteAuth(null, null, factory, "ssh key " + privateKey + ", known_hosts " + knownHosts);
    }

    /**
     * From the environment: {@value #ENV_TOKEN}[_FILE], or {@value #ENV_USER} with
     * {@value #ENV_PASSWORD}[_FILE], or {@value #ENV_SSH_KEY} with {@value #ENV_KNOWN_HOSTS};
     * none of them set means no authentication.
     */
    public static RemoteAuth fromEnvironment(Map<String, String> env, Path sshDirectory) {
        String token = valueOrFile(env, ENV_TOKEN, ENV_TOKEN_FILE);
        if (token != null) {
            return token(token);
        }
        String user = env.get(ENV_USER);
        if (user != null && !user.isEmpty()) {
            return usernamePassword(user, valueOrFile(env, ENV_PASSWORD, ENV_PASSWORD_FILE));
        }
        String key = env.get(ENV_SSH_KEY);
        if (key != null && !key.isEmpty()) {
            String known = env.get(ENV_KNOWN_HOSTS);
            if (known == null || known.isEmpty()) {
                throw new IllegalArgumentException(ENV_SSH_KEY + " is set but " + ENV_KNOWN_HOSTS
                        + " is not: refusing to trust any ssh host key");
            }
            return sshKey(Path.of(key), Path.of(known), sshDirectory);
        }
        return none();
    }

    private static String valueOrFile(Map<String, String> env, String var, String fileVar) {
        String v = env.get(var);
        if (v != null && !v.isEmpty()) {
            return v;
        }
        String f = env.get(fileVar);
        if (f == null || f.isEmpty()) {
            return null;
        }
        try {
            return Files.readString(Path.of(f), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(fileVar + " names an unreadable file: " + f, e);
        }
    }

    /** Sets credentials and the ssh session factory on a JGit transport command. */
    public <C extends TransportCommand<C, ?>> C configure(C command) {
        CredentialsProvider cp = credentialsProvider();
        if (cp != null) {
            command.setCredentialsProvider(cp);
        }
        if (sshFactory != null) {
            command.setTransportConfigCallback(transport -> {
                if (transport instanceof SshTransport ssh) {
                    ssh.setSshSessionFactory(sshFactory);
                }
            });
        }
        return command;
    }

    CredentialsProvider credentialsProvider() {
        return user == null ? null : new UsernamePasswordCredentialsProvider(user, password);
    }

    public boolean hasSsh() {
        return sshFactory != null;
    }

    /** The password or token, for scrubbing messages; null when there is none. */
    String secret() {
        return password == null ? null : new String(password);
    }

    @Override
    public void close() {
        if (sshFactory != null) {
            sshFactory.close();
        }
    }

    @Override
    public String toString() {
        return "RemoteAuth[" + description + "]";
    }
}
