package io.pointsman.proxy.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy 2.6 ({@code /usr/sbin/haproxy -db}) on loopback for differential tests:
 * started with a config text, stopped by the test (its own process only).
 */
public final class HaproxyProcess implements AutoCloseable {
    public static final String BINARY = "/usr/sbin/haproxy";
    private final Process process;
    private final Path log;

    private HaproxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Whether the binary is there (the tests that need it say so when it is not). */
    public static boolean available() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** Starts HAProxy with {@code config} and waits until {@code port} on 127.0.0.1 accepts. */
    public static HaproxyProcess start(Path dir, String config, int port) throws IOException, InterruptedException {
        Path cfg = Files.createTempFile(dir, "haproxy", ".cfg");
        Files.writeString(cfg, config);
        Path log = Files.createTempFile(dir, "haproxy", ".log");
        Process p = new ProcessBuilder(BINARY, "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        HaproxyProcess h = new HaproxyProcess(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("haproxy exited " + p.exitValue() + ": " + h.output());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return h;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        h.close();
        throw new IOException("haproxy did not listen on " + port + ": " + h.output());
    }

    /** {@code haproxy -c}: exit code 0 when the config is valid; the output says why not. */
    public static CheckResult check(Path dir, String config) throws IOException, InterruptedException {
        Path cfg = Files.createTempFile(dir, "haproxy-check", ".cfg");
        Files.writeString(cfg, config);
        Process p = new ProcessBuilder(BINARY, "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("haproxy -c did not finish");
        }
        return new CheckResult(p.exitValue(), out);
    }

    public record CheckResult(int exit, String output) {
        public boolean valid() {
            return exit == 0;
        }
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
