package io.pointsman.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The curl CLI, for tests that want a real client's view (10 s at most per run). */
public final class Curl {
    private Curl() {}

    /**
     * Runs {@code curl -sS --max-time 10 ARGS...} and returns what it wrote to stdout.
     *
     * @throws AssertionError when curl fails (its stderr in the message)
     */
    public static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl did not finish: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("curl exited " + p.exitValue() + ": " + new String(err, StandardCharsets.UTF_8)
                    + " " + cmd);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The response head(s) curl received for a request ({@code -D -}, body dropped). */
    public static String head(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-D", "-", "-o", "/dev/null"));
        all.addAll(List.of(args));
        return run(all.toArray(new String[0]));
    }
}
