package io.pointsman.agent.importer.differential;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real HAProxy ({@code /usr/sbin/haproxy -f CFG -db}, foreground) on a rewritten config,
 * started in the config's directory (so relative pattern files resolve as they do for the
 * import), stopped by its own pid.
 */
final class HaproxyProcess implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/haproxy");

    private final Process process;
    private final Path log;

    private HaproxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** The version line, e.g. "HAProxy version 2.6.12-1+deb12u4 …". */
    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BINARY.toString(), "-v").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.lines().findFirst().orElse("?");
    }

    /**
     * Checks the config ({@code haproxy -c}), starts HAProxy and waits until every address
     * accepts connections.
     */
    static HaproxyProcess start(Path cfg, List<InetSocketAddress> binds) throws Exception {
        Path dir = cfg.getParent();
        Process check = new ProcessBuilder(BINARY.toString(), "-c", "-f", cfg.toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new IllegalStateException("haproxy -c refused " + cfg + ":\n" + checked);
        }
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder(BINARY.toString(), "-f", cfg.toString(), "-db").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HaproxyProcess h = new HaproxyProcess(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (InetSocketAddress a : binds) {
            while (!accepts(a)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("haproxy exited (" + p.exitValue() + "):\n" + h.output());
                }
                if (System.nanoTime() > deadline) {
                    h.close();
                    throw new IllegalStateException("haproxy did not listen on " + a + " within 15 s:\n" + h.output());
                }
                Thread.sleep(20);
            }
        }
        return h;
    }

    static boolean accepts(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
