package io.pointsman.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar starts as a user would run it and answers --help and --version. */
class JarSmokeIT {
    static Path jar() {
        Path jar = Path.of(System.getProperty("pointsman.jar", "target/pointsman.jar"));
        assertTrue(Files.isRegularFile(jar), "no jar at " + jar + " (run mvn verify)");
        return jar;
    }

    record Result(int code, String out) {}

    static Result runJar(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pointsman " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        Result r = runJar("--help");
        assertEquals(0, r.code(), r.out());
        for (String command : List.of("run", "demo", "validate", "render", "diff", "status", "fleet", "server")) {
            assertTrue(r.out().contains("  " + command + " "), command + " missing from:\n" + r.out());
        }
    }

    @Test
    void versionComesFromTheManifest() throws Exception {
        Result r = runJar("--version");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("pointsman 0."), r.out());
    }

    @Test
    void unknownCommandIsAUsageError() throws Exception {
        Result r = runJar("frobnicate");
        assertEquals(2, r.code(), r.out());
    }
}
