package io.pointsman.proxy.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real DNS server for a test: Debian's dnsmasq on a loopback UDP port, answering from a
 * hosts file the test writes ({@link #hosts}, re-read on SIGHUP) and SRV records given at
 * start; nothing else (no upstream, no /etc/hosts). Stopped by {@link #close()} (its pid).
 */
public final class Dnsmasq implements AutoCloseable {
    public static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");

    private final Path dir;
    private final Path hosts;
    private int port;
    private List<String> srv;
    private Process process;

    private Dnsmasq(Path dir, List<String> srv) throws IOException, InterruptedException {
        this.dir = dir;
        this.hosts = dir.resolve("hosts");
        this.srv = srv;
        Files.writeString(hosts, "");
        // dnsmasq listens on the port over UDP and TCP: a port free for UDP may be taken for
        // TCP by another test. A few tries with fresh ports.
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                 java.net.ServerSocket t = new java.net.ServerSocket(s.getLocalPort(), 1,
                         InetAddress.getLoopbackAddress())) {
                this.port = s.getLocalPort();
            } catch (IOException taken) {
                last = taken;
                continue;
            }
            try {
                start();
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * @param srv SRV records as dnsmasq's {@code --srv-host} takes them: {@code _http._tcp.web.test,target,port}
     */
    public static Dnsmasq launch(String... srv) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(DNSMASQ), "dnsmasq is not installed (./test installs it)");
        return new Dnsmasq(Files.createTempDirectory("pmlog-dns"), List.of(srv));
    }

    /** Starts it again after {@link #stop()}, on the same port. */
    public void start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(DNSMASQ.toString(), "--keep-in-foreground", "--port=" + port,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll",
                "--addn-hosts=" + hosts, "--user=root", "--cache-size=0", "--local-ttl=1",
                "--pid-file=" + dir.resolve("dnsmasq.pid"), "--log-facility=" + dir.resolve("dnsmasq.log")));
        for (String s : srv) {
            cmd.add("--srv-host=" + s);
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dir.resolve("dnsmasq.pid")) || Files.size(dir.resolve("dnsmasq.pid")) == 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                Path logFile = dir.resolve("dnsmasq.log");
                throw new IOException("dnsmasq did not start: " + Files.readString(dir.resolve("out.txt"))
                        + (Files.exists(logFile) ? Files.readString(logFile) : ""));
            }
            Thread.sleep(20);
        }
    }

    public int port() {
        return port;
    }

    /** Replaces the hosts file ({@code "127.0.0.2 web.test"} lines) and tells dnsmasq to read it again. */
    public void hosts(String... lines) throws IOException, InterruptedException {
        Files.writeString(hosts, String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
        if (process != null && process.isAlive()) {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
            kill.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(100); // dnsmasq reads the file in its main loop, right after the signal
        }
    }

    /**
     * Replaces the SRV records ({@code --srv-host} values): dnsmasq reads them only at
     * start, so it is started again on the same port.
     */
    public void srv(String... records) throws IOException, InterruptedException {
        this.srv = List.of(records);
        stop();
        start();
    }

    /** Stops answering (the process ends); {@link #start()} brings it back. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
        try {
            Files.deleteIfExists(dir.resolve("dnsmasq.pid"));
        } catch (IOException e) {
            // started again below, which writes it anew
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
