package io.pointsman.agent.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of an external program (keepalived -t, bird -p, birdc), bounded in time, its
 * stdout and stderr together. Runs under {@code LC_ALL=C} so the messages the agent reads
 * and shows are the same on every machine.
 */
public final class Command {
    private Command() {}

    /** How a program ended: its exit code and everything it printed. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** The program did not finish in time (it was killed) or could not be started. */
    public static final class Failed extends Exception {
        private final boolean timedOut;

        Failed(String message, boolean timedOut, Throwable cause) {
            super(message, cause);
            this.timedOut = timedOut;
        }

        public boolean timedOut() {
            return timedOut;
        }
    }

    public static Result run(List<String> command, Duration timeout) throws Failed {
        String program = command.get(0);
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("LC_ALL", "C");
            p = pb.start();
        } catch (IOException e) {
            throw new Failed("cannot run " + program + ": " + e.getMessage(), false, e);
        }
        try {
            p.getOutputStream().close();
            // Read while it runs: a chatty program must not block on a full pipe.
            CompletableFuture<String> output = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    output.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.complete("");
                }
            }, "pointsman-output-" + Path.of(program).getFileName());
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new Failed(program + " did not finish within " + timeout.toMillis() + " ms", true, null);
            }
            return new Result(p.exitValue(), output.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (IOException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new Failed("cannot read the output of " + program + ": " + e, false, e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Failed("interrupted while running " + program, false, e);
        }
    }

    /** The executable {@code name} on PATH or in the sbin directories, or null. */
    public static String find(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
