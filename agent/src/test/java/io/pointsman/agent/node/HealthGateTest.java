package io.pointsman.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.notify.Receiver;
import io.pointsman.agent.state.HistoryEntry;
import io.pointsman.agent.sync.Await;
import io.pointsman.agent.sync.CentralRepo;
import io.pointsman.agent.sync.SyncReason;
import io.pointsman.agent.sync.SyncStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health gate (SPEC §5.11) end to end: a real central repo, a real node (git mirror,
 * sync engine, proxy), real TCP clients through the proxy. A commit that sends every
 * connection to a dead port is swapped back after its window and refused until the
 * branch moves; a harmless commit under the same gate stays.
 */
class HealthGateTest {
    private static final String GATE = "sync: { health_gate: { window: 2s, max_error_ratio: 0.5, min_requests: 5 } }\n";
    /** The same gate, and a receiver told about its verdicts (SPEC §11). */
    private String gateAndNotify() {
        return "sync:\n  health_gate: { window: 2s, max_error_ratio: 0.5, min_requests: 5 }\n"
                + "  notify: [ { name: ops, url: \"" + receiver.url("/gate") + "\", on: [health_gate_failed] } ]\n";
    }

    @TempDir
    Path dir;

    private ServerSocket greeter;
    private Receiver receiver;
    private int deadPort;
    private int frontendPort;
    private CentralRepo repo;
    private PointsmanNode node;
    private Thread clients;
    private final AtomicBoolean stopClients = new AtomicBoolean();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    @BeforeEach
    void setUp() throws IOException {
        greeter = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!greeter.isClosed()) {
                try (Socket s = greeter.accept()) {
                    s.getOutputStream().write("ok\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        }, "greeter");
        t.setDaemon(true);
        t.start();
        deadPort = freePort();
        frontendPort = freePort();
        repo = CentralRepo.create(dir.resolve("central"));
        receiver = Receiver.start(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        stopClients.set(true);
        if (clients != null) {
            clients.join(5000);
        }
        if (node != null) {
            node.close();
        }
        greeter.close();
        receiver.close();
    }

    @Test
    void aCommitThatBreaksTrafficIsSwappedBackAndNotRetried() throws Exception {
        String good = repo.push("proxy.yaml", config(greeter.getLocalPort()), "tunnel to the live server, gated");
        startNode();
        awaitApplied(good);
        startClients();
        // Long enough (> 1 s) for the gate's sampler to see the good generation's traffic.
        Await.until("traffic through the good config", Duration.ofSeconds(10), () -> served.get() >= 60);

        String bad = repo.push("proxy.yaml", config(deadPort), "server moved to a port nobody listens on");
        node.engine().requestSync("test");
        Await.until("the health gate to swap " + bad + " back", Duration.ofSeconds(20),
                () -> node.engine().status().reason() == SyncReason.HealthGateFailed, this::describe);

        SyncStatus s = node.engine().status();
        assertEquals("main@sha1:" + good, s.lastAppliedRevision(), describe());
        assertFalse(s.ready(), "ready is false after a refused commit");
        assertTrue(s.message().contains("health gate"), s.message());
        HistoryEntry refusal = s.history().stream().filter(h -> h.revision().endsWith(bad)
                && SyncReason.HealthGateFailed.name().equals(h.reason())).findFirst().orElseThrow(
                () -> new AssertionError("no HealthGateFailed entry for " + bad + " in " + s.history()));
        assertEquals(HistoryEntry.FAILURE, refusal.result());
        // Nearly every connection after the swap failed: connections accepted just before it
        // may still be served by the good config while the first window is sampled.
        Matcher ratio = Pattern.compile("error ratio (\\d\\.\\d\\d)")
                .matcher(refusal.message());
        assertTrue(ratio.find() && Double.parseDouble(ratio.group(1)) >= 0.9, refusal.message());
        assertTrue(refusal.message().contains("before it 0 of "), refusal.message());
        assertTrue(node.engine().metricsText().contains("pointsman_sync_health_gate_total{result=\"failed\"} 1"),
                node.engine().metricsText());
        Await.until("the verdict at the receiver", Duration.ofSeconds(10), () -> receiver.delivered().size() == 1);
        String told = receiver.delivered().get(0);
        assertTrue(told.contains("\"event\":\"health_gate_failed\"") && told.contains(bad), told);

        long before = served.get();
        Await.until("connections served again by the good config", Duration.ofSeconds(10),
                () -> served.get() >= before + 10, this::describe);

        // Not retried until the branch moves.
        long syncs = node.engine().metrics().syncCount();
        node.engine().requestSync("test");
        Await.until("one more sync", Duration.ofSeconds(10), () -> node.engine().metrics().syncCount() > syncs);
        assertEquals("main@sha1:" + good, node.engine().status().lastAppliedRevision(), describe());
        assertEquals(SyncReason.HealthGateFailed, node.engine().status().reason(), describe());
    }

    @Test
    void aHealthyCommitPassesTheGate() throws Exception {
        String first = repo.push("proxy.yaml", config(greeter.getLocalPort()), "gated");
        startNode();
        awaitApplied(first);
        startClients();
        Await.until("traffic", Duration.ofSeconds(10), () -> served.get() >= 20);

        String second = repo.push("proxy.yaml", config(greeter.getLocalPort()).replace("retries: 3", "retries: 2"),
                "a harmless change");
        node.engine().requestSync("test");
        awaitApplied(second);
        Await.until("the health gate's verdict", Duration.ofSeconds(20),
                () -> node.engine().metrics().healthGateVerdicts() >= 1, this::describe);
        assertTrue(node.engine().metricsText().contains("pointsman_sync_health_gate_total{result=\"passed\"} 1"),
                node.engine().metricsText());
        assertEquals("main@sha1:" + second, node.engine().status().lastAppliedRevision(), describe());
        assertEquals(SyncReason.Applied, node.engine().status().reason(), describe());
    }

    @Test
    void anHttpCommitWhoseServersAnswer500IsSwappedBack() throws Exception {
        ServerSocket ok = httpServer("200 OK");
        ServerSocket failing = httpServer("500 Internal Server Error");
        try {
            String good = repo.push("proxy.yaml", httpConfig(ok.getLocalPort()), "http, gated");
            startNode();
            awaitApplied(good);
            startHttpClients();
            Await.until("traffic through the good config", Duration.ofSeconds(10), () -> served.get() >= 60);

            String bad = repo.push("proxy.yaml", httpConfig(failing.getLocalPort()), "the new app answers 500");
            node.engine().requestSync("test");
            Await.until("the health gate to swap " + bad + " back", Duration.ofSeconds(20),
                    () -> node.engine().status().reason() == SyncReason.HealthGateFailed, this::describe);
            assertEquals("main@sha1:" + good, node.engine().status().lastAppliedRevision(), describe());
            long before = served.get();
            Await.until("200s again", Duration.ofSeconds(10), () -> served.get() >= before + 10, this::describe);
        } finally {
            ok.close();
            failing.close();
        }
    }

    /** Answers every connection with one HTTP response of {@code status} and closes it. */
    private static ServerSocket httpServer(String status) throws IOException {
        ServerSocket socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    InputStream in = s.getInputStream();
                    int matched = 0;
                    while (matched < 4) { // up to the blank line ending the request head
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        matched = (c == '\r' || c == '\n') && "\r\n\r\n".charAt(matched) == c ? matched + 1 : 0;
                    }
                    s.getOutputStream().write(("HTTP/1.1 " + status + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // next connection, or closed
                }
            }
        }, "http-" + status);
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private String httpConfig(int serverPort) {
        return """
                version: 1
                defaults: { retries: 3, timeout: { connect: 1s, client: 5s, server: 5s } }
                frontends:
                  - { name: web, mode: http, bind: ["127.0.0.1:%d"], default_backend: app }
                backends:
                  - name: app
                    mode: http
                    servers:
                      - { name: s1, address: "127.0.0.1:%d" }
                """.formatted(frontendPort, serverPort) + GATE;
    }

    /** One HTTP request every 20 ms through the proxy; a 200 counts as served. */
    private void startHttpClients() {
        startLoop("gate-http-clients", s -> {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        });
    }

    private String config(int serverPort) {
        return """
                version: 1
                defaults: { retries: 3, timeout: { connect: 1s, client: 5s, server: 5s } }
                frontends:
                  - { name: tunnel, mode: tcp, bind: ["127.0.0.1:%d"], default_backend: app }
                backends:
                  - name: app
                    mode: tcp
                    servers:
                      - { name: s1, address: "127.0.0.1:%d" }
                """.formatted(frontendPort, serverPort) + gateAndNotify();
    }

    private void startNode() throws Exception {
        node = PointsmanNode.start(new PointsmanNode.Options(repo.url(), "main", "lb1", dir.resolve("state"),
                Duration.ofSeconds(60), new InetSocketAddress("127.0.0.1", 0), null, null, 1, Duration.ofSeconds(10)));
    }

    private void awaitApplied(String commit) {
        Await.until("apply of " + commit, Duration.ofSeconds(20),
                () -> ("main@sha1:" + commit).equals(node.engine().status().lastAppliedRevision()), this::describe);
    }

    /** One tcp client connection every 20 ms through the proxy; "ok" back counts as served. */
    private void startClients() {
        startLoop("gate-clients", s -> {
            byte[] buf = new byte[3];
            int n = s.getInputStream().readNBytes(buf, 0, 3);
            return n == 3 && new String(buf, StandardCharsets.US_ASCII).equals("ok\n");
        });
    }

    /** One request on a connection of its own through the proxy, until the test ends (at most 60 s). */
    private interface Exchange {
        boolean served(Socket connected) throws IOException;
    }

    private void startLoop(String name, Exchange exchange) {
        clients = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!stopClients.get() && System.nanoTime() < deadline) {
                try (Socket s = new Socket()) {
                    s.setSoTimeout(2000);
                    s.connect(new InetSocketAddress("127.0.0.1", frontendPort), 2000);
                    (exchange.served(s) ? served : failed).incrementAndGet();
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        clients.setDaemon(true);
        clients.start();
    }

    private String describe() {
        SyncStatus s = node.engine().status();
        return s.reason() + " / " + s.message() + " / applied=" + s.lastAppliedRevision() + " / served=" + served
                + " failed=" + failed;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
