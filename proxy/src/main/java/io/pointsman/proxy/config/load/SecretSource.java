package io.pointsman.proxy.config.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where {@code ${env:NAME}} and {@code ${file:/path}} are looked up. Tests pass their own. */
public interface SecretSource {
    /** The variable's value, or null when unset. */
    String env(String name);

    /** The file's content with one trailing newline removed; IOException when unreadable. */
    String file(String path) throws IOException;

    /** The process environment and the local file system. */
    static SecretSource system() {
        return of(System.getenv());
    }

    /** The given variables and the local file system. */
    static SecretSource of(Map<String, String> env) {
        return new SecretSource() {
            @Override
            public String env(String name) {
                return env.get(name);
            }

            @Override
            public String file(String path) throws IOException {
                String s = Files.readString(Path.of(path), StandardCharsets.UTF_8);
                return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
            }
        };
    }
}
