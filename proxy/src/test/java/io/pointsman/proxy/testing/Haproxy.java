package io.pointsman.proxy.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy 2.6 ({@code /usr/sbin/haproxy -f cfg -db}) for differential tests: the
 * same traffic through it and through Pointsman, compared. Its log goes to stdout
 * ({@code log stdout format raw}) and is kept line by line.
 */
public final class Haproxy implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/haproxy");

    private final Process process;
    private final Path dir;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private Haproxy(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "haproxy-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts HAProxy on {@code config} and waits until every port in {@code ports} (on
     * 127.0.0.1) accepts connections.
     */
    public static Haproxy start(String config, int... ports) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("pmx-haproxy");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        Process p = new ProcessBuilder(BINARY.toString(), "-f", cfg.toString(), "-db")
                .redirectErrorStream(true).start();
        Haproxy h = new Haproxy(p, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int port : ports) {
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    break;
                } catch (IOException notYet) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        h.close();
                        throw new IOException("haproxy did not listen on " + port + ": " + h.lines);
                    }
                    Thread.sleep(20);
                }
            }
        }
        return h;
    }

    /** Its output so far (log lines, warnings). */
    public List<String> lines() {
        return lines;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(dir.resolve("haproxy.cfg"));
        Files.deleteIfExists(dir);
    }
}
