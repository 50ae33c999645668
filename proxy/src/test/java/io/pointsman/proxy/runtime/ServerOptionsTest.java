package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.HoldingServer;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.YamlConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Server options as HAProxy users write them, through real sockets: an address without a
 * port, on_marked_down: shutdown_sessions, fin timeouts, tcpka (slowstart: {@code SlowStartTest}, maxqueue:
 * {@code MaxqueueHaproxyTest}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerOptionsTest {

    private static String line(InputStream in) throws IOException {
        return Clients.readLine(in);
    }

    @Test
    void aServerWithoutAPortGetsTheClientsDestinationPort() throws Exception {
        int port = Clients.freePort();
        try (HoldingServer server = new HoldingServer("127.0.0.1", port, "same-port");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            String yaml = """
                    version: 1
                    listens:
                      - { name: passthrough, mode: tcp, bind: ["127.0.0.2:%d"], servers: [{ name: s, address: "127.0.0.1" }] }
                    """.formatted(port);
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            try (Socket s = new Socket("127.0.0.2", port)) {
                s.setSoTimeout(5000);
                assertEquals("same-port", line(s.getInputStream()));
            }
        }
    }

    @Test
    void shutdownSessionsClosesADownServersSessionsAndNoneKeepsThem() throws Exception {
        for (String onMarkedDown : new String[] {"shutdown_sessions", "none"}) {
            try (HoldingServer server = new HoldingServer("127.0.0.1", 0, "s");
                 ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
                int port = Clients.freePort();
                String yaml = """
                        version: 1
                        listens:
                          - name: app
                            mode: tcp
                            bind: ["127.0.0.1:%d"]
                            on_marked_down: %s
                            check: { interval: 100ms, rise: 1, fall: 1 }
                            servers: [{ name: s, address: "127.0.0.1:%d", check: true }]
                        """.formatted(port, onMarkedDown, server.port());
                assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(5000);
                    InputStream in = s.getInputStream();
                    assertEquals("s", line(in));
                    server.stopListening(); // checks fail from now on; the session is untouched
                    Clients.await("the server is DOWN", 10_000, () -> !runtime.current().backend("app").servers().get(0).isUp());
                    if (onMarkedDown.equals("none")) {
                        s.getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
                        assertEquals("still here", line(in), "without shutdown_sessions the session goes on");
                    } else {
                        assertEquals(-1, in.read(), "the DOWN server's session was shut down");
                    }
                }
            }
        }
    }

    /** A server that accepts and then neither reads nor closes: only the proxy can end the session. */
    private static java.net.ServerSocket silentServer() throws IOException {
        java.net.ServerSocket ss = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        java.util.List<Socket> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    kept.add(ss.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "pmlog-silent-server");
        t.setDaemon(true);
        t.start();
        return ss;
    }

    @Test
    void clientFinEndsAHalfClosedTunnelLongBeforeTheClientTimeout() throws Exception {
        for (String clientFin : new String[] {"300ms", null}) {
            try (java.net.ServerSocket server = silentServer();
                 ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
                int port = Clients.freePort();
                String yaml = """
                        version: 1
                        defaults: { timeout: { client: 60s, server: 60s%s } }
                        listens:
                          - { name: t, mode: tcp, bind: ["127.0.0.1:%d"], servers: [{ name: s, address: "127.0.0.1:%d" }] }
                        """.formatted(clientFin == null ? "" : ", client_fin: " + clientFin, port, server.getLocalPort());
                assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput(); // half-closed: the client is done sending, waits for the server
                    s.setSoTimeout(clientFin == null ? 3000 : 20_000);
                    if (clientFin == null) {
                        org.junit.jupiter.api.Assertions.assertThrows(SocketTimeoutException.class,
                                () -> s.getInputStream().read(), "the client timeout (60s) keeps the tunnel");
                    } else {
                        assertEquals(-1, s.getInputStream().read(), "client_fin ended the half-closed tunnel");
                    }
                }
            }
        }
    }

    /** The kernel's view of this process's sockets with a keep-alive timer on the given local or remote port. */
    private static String keepaliveSockets(String filter) throws Exception {
        Process p = new ProcessBuilder("ss", "-tnoH", "state", "established", filter).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void tcpkaTurnsOnKeepAliveProbesOnBothSides() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/ss"))
                || java.nio.file.Files.isExecutable(java.nio.file.Path.of("/bin/ss")), "ss (iproute2)");
        try (HoldingServer server = new HoldingServer("127.0.0.1", 0, "ka");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    defaults: { tcpka: true }
                    listens:
                      - { name: t, mode: tcp, bind: ["127.0.0.1:%d"], servers: [{ name: s, address: "127.0.0.1:%d" }] }
                    """.formatted(port, server.port());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                assertEquals("ka", line(s.getInputStream()));
                String clientSide = keepaliveSockets("( sport = :" + port + " )");
                String serverSide = keepaliveSockets("( dport = :" + server.port() + " )");
                assertTrue(clientSide.contains("timer:(keepalive"), "the proxy's client socket: " + clientSide);
                assertTrue(serverSide.contains("timer:(keepalive"), "the proxy's server socket: " + serverSide);
            }
        }
    }
}
