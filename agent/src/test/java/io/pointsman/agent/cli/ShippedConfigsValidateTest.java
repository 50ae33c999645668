package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.assertions.RouteAssertions;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.SecretSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * What we ship must validate: the starter repo (with an empty environment, SPEC §6) and
 * every example, for proxy.yaml alone and each node, route assertions included.
 */
class ShippedConfigsValidateTest {
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("config-repo-template"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "repo root with config-repo-template not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    static Stream<Path> shipped() throws Exception {
        Path root = repoRoot();
        try (Stream<Path> examples = Files.walk(root.resolve("examples"), 3)) {
            return Stream.concat(Stream.of(root.resolve("config-repo-template")),
                    examples.filter(d -> Files.isRegularFile(d.resolve("proxy.yaml"))).sorted().toList().stream());
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void validatesWithAnEmptyEnvironment(Path dir) throws Exception {
        ConfigFiles files = ConfigFiles.fromDirectory(dir);
        SecretSource empty = SecretSource.of(Map.of());
        RouteAssertions.loadAndCheck(files, null, empty);
        for (String node : ValidateCommand.hostNodes(files)) {
            RouteAssertions.loadAndCheck(files, node, empty);
        }
        assertTrue(files.files().keySet().stream().anyMatch(f -> f.startsWith("tests/")),
                dir + " ships no route assertions");
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void validateCommandSaysValid(Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute("validate", dir.toString()), err.toString());
        assertTrue(out.toString().contains(": valid ("), out.toString());
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void aBrokenRouteAssertionIsCaught(Path dir, @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        ConfigFiles files = ConfigFiles.fromDirectory(dir);
        Map<String, String> broken = new java.util.HashMap<>(files.files());
        String frontend = RouteAssertions.loadAndCheck(files, null, SecretSource.of(Map.of()))
                .config().allFrontends().get(0).name();
        broken.put("tests/zz-broken.yaml", "- {frontend: " + frontend + ", expect_backend: no-such-backend}\n");
        List<String> errors = List.of();
        try {
            RouteAssertions.loadAndCheck(new ConfigFiles(broken), null, SecretSource.of(Map.of()));
        } catch (io.pointsman.proxy.config.load.ConfigException e) {
            errors = e.errors().stream().map(Object::toString).toList();
        }
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("tests/zz-broken.yaml:1: [0]: frontend '" + frontend + "'"), errors.get(0));
    }
}
