package io.pointsman.proxy.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real rsyslogd (Debian's {@code rsyslog}) for a test: listens on loopback UDP and TCP
 * ports and a unix datagram socket in a temp dir, writes every message it receives to
 * {@link #file()} as {@code FACILITY.SEVERITY|HOSTNAME|TAG|MSG}. Started in the foreground
 * ({@code -n}) with its own pid file and work directory, so it never touches the system's
 * syslog; stopped by {@link #close()} (by its pid).
 */
public final class Rsyslog implements AutoCloseable {
    public static final String RSYSLOGD = "/usr/sbin/rsyslogd";

    private final Path dir;
    private final Path file;
    private final Path socket;
    private final int udpPort;
    private final int tcpPort;
    private final Process process;

    private Rsyslog(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.file = dir.resolve("messages.log");
        this.socket = dir.resolve("log.sock");
        this.udpPort = freeUdpPort();
        this.tcpPort = Clients.freePort();
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, String.join("\n",
                "global(workDirectory=\"" + dir + "\" maxMessageSize=\"64k\")",
                "module(load=\"imudp\")",
                "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + udpPort + "\")",
                "module(load=\"imtcp\")",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tcpPort + "\")",
                "module(load=\"imuxsock\" SysSock.Use=\"off\")",
                "input(type=\"imuxsock\" Socket=\"" + socket + "\" UseSysTimeStamp=\"off\")",
                "template(name=\"fields\" type=\"string\"",
                "  string=\"%syslogfacility-text%.%syslogseverity-text%|%hostname%|%syslogtag%|%msg%\\n\")",
                "*.* action(type=\"omfile\" file=\"" + file + "\" template=\"fields\" flushOnTXEnd=\"on\""
                        + " asyncWriting=\"off\")",
                ""));
        process = new ProcessBuilder(RSYSLOGD, "-n", "-f", conf.toString(), "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
        awaitTcp();
    }

    /** Starts one in a new temp dir; the test is skipped where rsyslogd is not installed. */
    public static Rsyslog start() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(RSYSLOGD)), "rsyslogd is not installed (./test installs it)");
        return new Rsyslog(Files.createTempDirectory("pmlog-rsyslog"));
    }

    public int udpPort() {
        return udpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public Path socket() {
        return socket;
    }

    public Path file() {
        return file;
    }

    /** Every message received so far, one per line. */
    public List<String> lines() throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    /** Waits until {@code n} lines contain {@code text}; returns them. */
    public List<String> await(String text, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            List<String> hits = lines().stream().filter(l -> l.contains(text)).toList();
            if (hits.size() >= n || System.nanoTime() > deadline) {
                if (hits.size() < n) {
                    throw new AssertionError("rsyslog got " + hits.size() + " lines with '" + text + "', wanted " + n
                            + "; all lines:\n" + String.join("\n", lines()) + "\nrsyslogd said:\n"
                            + Files.readString(dir.resolve("rsyslogd.out")));
                }
                return hits;
            }
            Thread.sleep(20);
        }
    }

    private void awaitTcp() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("rsyslogd exited: " + Files.readString(dir.resolve("rsyslogd.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", tcpPort), 200);
                if (Files.exists(socket)) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("rsyslogd did not start listening: " + Files.readString(dir.resolve("rsyslogd.out")));
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Sends one raw datagram (what a test says it sent). */
    public void sendUdp(String message) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = message.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), udpPort));
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
