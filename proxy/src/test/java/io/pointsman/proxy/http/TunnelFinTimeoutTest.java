package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.YamlConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code timeout.client_fin} and {@code server_fin} in an http-mode tunnel (a WebSocket
 * upgrade), through real sockets: a side's FIN is passed on to the other (a half-closed
 * tunnel still carries the other direction), and from then on that side's fin timeout,
 * not {@code timeout tunnel}, decides how long the tunnel may idle.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TunnelFinTimeoutTest {

    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    /**
     * Answers one upgrade with 101, optionally sends its FIN, then reads until the proxy
     * ends the connection; {@link #received} completes with what it read after the upgrade
     * (or the read timeout's exception), and it never closes first.
     */
    private static final class UpgradingServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        final CompletableFuture<String> received = new CompletableFuture<>();
        /** What it read after the upgrade so far. */
        final StringBuffer got = new StringBuffer();

        UpgradingServer(boolean finAfterUpgrade, int readTimeoutMillis) throws IOException {
            Thread t = new Thread(() -> {
                try (Socket s = socket.accept()) {
                    InputStream in = s.getInputStream();
                    RawHttpClient.readHead(in);
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    if (finAfterUpgrade) {
                        s.shutdownOutput();
                    }
                    s.setSoTimeout(readTimeoutMillis);
                    for (int b = in.read(); b >= 0; b = in.read()) {
                        got.append((char) b);
                    }
                    received.complete(got.toString());
                    // Held open: only the proxy may end this connection.
                    Thread.sleep(readTimeoutMillis);
                } catch (IOException | InterruptedException e) {
                    received.completeExceptionally(e);
                }
            }, "pmlg2-upgrading-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static ProxyRuntime proxy(int port, int serverPort, String timeouts) {
        ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start();
        String yaml = """
                version: 1
                defaults: { timeout: { client: 60s, server: 60s, tunnel: 60s%s } }
                frontends:
                  - { name: fe, bind: ["127.0.0.1:%d"], default_backend: ws }
                backends:
                  - { name: ws, servers: [{ name: s, address: "127.0.0.1:%d" }] }
                """.formatted(timeouts, port, serverPort);
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
        return runtime;
    }

    private static Socket upgrade(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
        String head = RawHttpClient.readHead(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        return s;
    }

    @Test
    void clientFinEndsATunnelTheClientHalfClosedLongBeforeTheTunnelTimeout() throws Exception {
        for (String clientFin : new String[] {"300ms", null}) {
            int port = Clients.freePort();
            try (UpgradingServer server = new UpgradingServer(false, 30_000);
                 ProxyRuntime runtime = proxy(port, server.port(), clientFin == null ? "" : ", client_fin: " + clientFin);
                 Socket s = upgrade(port)) {
                s.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput(); // done sending; waits for the server, which says nothing
                // The FIN went on to the server, after the bytes before it.
                assertEquals("last words", server.received.get(10, TimeUnit.SECONDS));
                if (clientFin == null) {
                    s.setSoTimeout(3000);
                    assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(),
                            "timeout tunnel (60s) keeps the half-closed tunnel");
                } else {
                    s.setSoTimeout(20_000);
                    assertEquals(-1, s.getInputStream().read(), "client_fin ended the half-closed tunnel");
                }
            }
        }
    }

    @Test
    void serverFinEndsATunnelTheServerHalfClosedAndUntilThenTheClientMayStillSend() throws Exception {
        for (String serverFin : new String[] {"300ms", null}) {
            int port = Clients.freePort();
            try (UpgradingServer server = new UpgradingServer(true, serverFin == null ? 3000 : 20_000);
                 ProxyRuntime runtime = proxy(port, server.port(), serverFin == null ? "" : ", server_fin: " + serverFin);
                 Socket s = upgrade(port)) {
                assertEquals(-1, s.getInputStream().read(), "the server's FIN reached the client");
                if (serverFin == null) {
                    // Half closed: the client's direction still carries bytes to the server.
                    s.getOutputStream().write("reply".getBytes(StandardCharsets.US_ASCII));
                    Throwable e = assertThrows(java.util.concurrent.ExecutionException.class,
                            () -> server.received.get(10, TimeUnit.SECONDS), "the tunnel stays up").getCause();
                    assertInstanceOf(SocketTimeoutException.class, e);
                    assertEquals("reply", server.got.toString());
                } else {
                    assertEquals("", server.received.get(20, TimeUnit.SECONDS), "server_fin closed the server side");
                }
            }
        }
    }
}
