package io.pointsman.proxy.config.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.ConfigTestFiles;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every directory under {@code src/test/resources/invalid/} is a config that must be
 * refused with exactly the errors in its {@code expected.txt} (node {@code lb1}; an
 * optional {@code env.properties} is the environment secrets resolve from).
 */
class InvalidConfigCorpusTest {
    static final String NODE = "lb1";

    static Stream<String> cases() throws IOException, URISyntaxException {
        return ConfigTestFiles.subdirectories(root()).stream();
    }

    static Path root() throws URISyntaxException {
        return Path.of(InvalidConfigCorpusTest.class.getResource("/invalid").toURI());
    }

    @Test
    void corpusIsLargeEnough() throws Exception {
        assertTrue(cases().count() >= 35, "at least 35 invalid configs");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithExactlyTheExpectedErrors(String name) throws Exception {
        Path dir = root().resolve(name);
        List<String> expected = Files.readAllLines(dir.resolve("expected.txt"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        Map<String, String> env = new HashMap<>();
        Path envFile = dir.resolve("env.properties");
        if (Files.exists(envFile)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(envFile)) {
                p.load(r);
            }
            p.forEach((k, v) -> env.put((String) k, (String) v));
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(ConfigFiles.fromDirectory(dir), NODE, SecretSource.of(env)));
        List<String> actual = e.errors().stream().map(ConfigError::toString).toList();
        assertEquals(String.join("\n", expected), String.join("\n", actual));
        for (String value : env.values()) {
            assertTrue(value.length() < 4 || !e.getMessage().contains(value), "secret value in errors: " + e.getMessage());
        }
    }
}
