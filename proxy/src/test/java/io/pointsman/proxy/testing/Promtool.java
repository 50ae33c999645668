package io.pointsman.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Prometheus' own linter ({@code promtool check metrics}, Debian package {@code prometheus}) on a text. */
public final class Promtool {
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private Promtool() {
    }

    /** What promtool says about {@code metrics}: "" when it finds nothing wrong (it exits non-zero otherwise). */
    public static String check(String metrics) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (./test installs it)");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "promtool did not finish";
        }
        return p.exitValue() == 0 && out.isBlank() ? "" : "exit " + p.exitValue() + ": " + out;
    }
}
