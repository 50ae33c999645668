package io.pointsman.proxy.config;

import java.util.List;

/** Users for {@code auth} rules (HAProxy {@code userlist}). */
public record Userlist(String name, List<User> users) {
    public Userlist {
        users = Lists.of(users);
    }

    /**
     * One user: {@code {name, password: "$2y$…"}} (a crypt(3) hash) or
     * {@code {name, insecure_password: "${env:…}"}} (plain text, normally a secret).
     */
    public record User(String name, @OneOf(owner = "a user", noun = "password") Credential credential) {
    }

    /** How a user's password is given. */
    public sealed interface Credential permits Password, InsecurePassword {
    }

    /** A crypt(3) hash: bcrypt {@code $2a$/$2b$/$2y$}, sha-512 {@code $6$}, sha-256 {@code $5$}. */
    public record Password(@YamlValue String hash) implements Credential {
        @Override
        public String toString() {
            return "Password[<hash>]";
        }
    }

    /** The password itself. */
    public record InsecurePassword(@YamlValue String password) implements Credential {
        @Override
        public String toString() {
            return "InsecurePassword[<redacted>]";
        }
    }
}
