package io.pointsman.agent.bgp;

import io.pointsman.agent.sync.Await;
import io.pointsman.agent.system.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real BIRD 2 for tests, run in the foreground with files of its own (config, control
 * socket, pid file) in a test directory: a device protocol and the include the agent
 * renders, nothing that needs a network or privileges. Stopped by its PID.
 */
public final class RealBird implements AutoCloseable {
    private static final Pattern ROUTE = Pattern.compile("^([0-9a-fA-F.:]+/\\d+)\\s", Pattern.MULTILINE);

    public final Path dir;
    public final Path config;
    public final Path include;
    public final Path socket;
    private Process process;

    /** BIRD and birdc as installed, or null when they are not (tests then skip). */
    public static String missing() {
        Bird b = Bird.installed();
        return b.canCheck() && b.birdc() != null ? null : "bird2 is not installed (./test installs it)";
    }

    /** @param extra more of bird.conf, after the include (e.g. a protocol that collides with it) */
    public RealBird(Path dir, String extra) throws IOException {
        this.dir = dir;
        this.config = dir.resolve("bird.conf");
        this.include = dir.resolve("pointsman.conf");
        this.socket = dir.resolve("bird.ctl");
        Files.writeString(config, "router id 198.18.0.11;\n"
                + "protocol device { scan time 10; }\n"
                + "include \"" + include + "\";\n"
                + extra);
        // BIRD refuses to start without its includes: an operator creates it empty once.
        Files.writeString(include, "");
    }

    /** Starts BIRD and waits until its control socket answers. */
    public RealBird start() throws Exception {
        process = new ProcessBuilder(Command.find("bird"), "-f", "-c", config.toString(), "-s", socket.toString(),
                "-P", dir.resolve("bird.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("bird.log").toFile()).start();
        Await.until("BIRD answering on " + socket, Duration.ofSeconds(10), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("BIRD exited: " + log());
            }
            return Files.exists(socket) && birdc("show status").contains("Daemon is up and running");
        });
        return this;
    }

    /** The prefixes in BIRD's tables now. */
    public List<String> routes() {
        List<String> out = new ArrayList<>();
        Matcher m = ROUTE.matcher(birdc("show route"));
        while (m.find()) {
            out.add(m.group(1));
        }
        out.sort(null);
        return out;
    }

    public String birdc(String command) {
        List<String> args = new ArrayList<>(List.of(Command.find("birdc"), "-s", socket.toString()));
        args.addAll(List.of(command.split(" ")));
        try {
            return Command.run(args, Duration.ofSeconds(5)).output();
        } catch (Command.Failed e) {
            return "birdc failed: " + e.getMessage();
        }
    }

    public long pid() {
        return process.pid();
    }

    /** SIGSTOP / SIGCONT: a BIRD whose control socket accepts but does not answer. */
    public void signal(String signal) throws Exception {
        Command.run(List.of("kill", "-" + signal, String.valueOf(process.pid())), Duration.ofSeconds(5));
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("bird.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills BIRD at once (SIGKILL): its control socket file stays behind, nobody listening. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            signal("CONT");
            process.destroy();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
