package io.pointsman.agent.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pointsman.agent.system.Command;
import io.pointsman.proxy.config.Bgp;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BIRD configs shipped in {@code examples/bgp-ecmp/bird/} are what BIRD accepts: the
 * router's, and the node's with the include Pointsman renders for lb1 from the example's
 * own proxy.yaml (and with the starter include an operator creates before the first apply).
 */
class ExampleBirdConfigsTest {
    @TempDir
    Path dir;

    private static Path example() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/bgp-ecmp"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "examples/bgp-ecmp not found");
        return p.resolve("examples/bgp-ecmp");
    }

    private static Command.Result birdP(Path config) throws Exception {
        return Command.run(List.of(Bird.installed().birdPath(), "-p", "-c", config.toString()), Duration.ofSeconds(10));
    }

    /** bird-node.conf with its include pointed at {@code include}. */
    private Path nodeConfig(Path include) throws Exception {
        String text = Files.readString(example().resolve("bird/bird-node.conf"));
        assertTrue(text.contains("include \"/etc/bird/pointsman.conf\";"), "the node config includes bgp.config_path");
        Path conf = dir.resolve("bird.conf");
        Files.writeString(conf, text.replace("/etc/bird/pointsman.conf", include.toString()));
        return conf;
    }

    @Test
    void routerConfigParses() throws Exception {
        assumeTrue(RealBird.missing() == null, RealBird.missing());
        Command.Result r = birdP(example().resolve("bird/bird-router.conf"));
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void nodeConfigParsesWithTheRenderedIncludeAndTheStarterOne() throws Exception {
        assumeTrue(RealBird.missing() == null, RealBird.missing());
        Bgp bgp = ConfigLoader.load(ConfigFiles.fromDirectory(example()), "lb1", SecretSource.of(Map.of())).config().bgp();
        assertEquals("/etc/bird/pointsman.conf", bgp.configPath());
        Path include = dir.resolve("pointsman.conf");
        Files.writeString(include, BirdInclude.render("lb1", BirdInclude.hostRoutes(bgp.announce()), true, "announced"));
        Command.Result announced = birdP(nodeConfig(include));
        assertEquals(0, announced.exitCode(), announced.output());

        Command.Result starter = birdP(nodeConfig(example().resolve("bird/pointsman.conf")));
        assertEquals(0, starter.exitCode(), starter.output());
    }
}
