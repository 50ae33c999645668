package io.pointsman.proxy.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers for config directories under src/test/resources. */
public final class ConfigTestFiles {
    private ConfigTestFiles() {}

    /** Names of the subdirectories of {@code dir}, sorted. */
    public static List<String> subdirectories(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
