package io.pointsman.proxy.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.runtime.Transport;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import io.pointsman.proxy.testing.Transports;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Timeouts, nolinger, half-close in both directions, under each transport; the default transport. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpEdgeCasesTest {
    private static final Timeouts SHORT_CLIENT = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(200),
            Duration.ofSeconds(30), null, null, null, null, null);
    private static final Timeouts SHORT_SERVER = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
            Duration.ofMillis(200), null, null, null, null, null);

    private static ProxyRuntime runtime(Transport t) {
        return ProxyRuntime.builder().threads(1).transport(t).health(HealthView.ALWAYS_UP).build().start();
    }

    private static InetSocketAddress apply(ProxyRuntime rt, TestConfig c) {
        assertInstanceOf(ApplyResult.Applied.class, rt.apply(c.build(), "r"));
        return rt.boundAddresses("fe").get(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void idleClientIsClosedAfterTheClientTimeout(Transport transport) throws Exception {
        try (TestServer echo = TestServer.lines("s"); ProxyRuntime rt = runtime(transport)) {
            InetSocketAddress fe = apply(rt, new TestConfig().timeouts(SHORT_CLIENT)
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").server("s", echo.address()).end());
            try (Socket s = Clients.connect(fe)) {
                assertEquals("s a", Clients.roundTrip(s, "a"));
                assertEquals(-1, s.getInputStream().read(), "closed by the client timeout");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void silentServerIsClosedAfterTheServerTimeout(Transport transport) throws Exception {
        try (TestServer echo = TestServer.lines("s"); ProxyRuntime rt = runtime(transport)) {
            InetSocketAddress fe = apply(rt, new TestConfig().timeouts(SHORT_SERVER)
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").server("s", echo.address()).end());
            try (Socket s = Clients.connect(fe)) {
                assertEquals("s a", Clients.roundTrip(s, "a"));
                s.setSoTimeout(10_000);
                assertEquals(-1, s.getInputStream().read(), "closed by the server timeout, not the client's (30 s)");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void nolingerResetsInsteadOfClosingGracefully(Transport transport) throws Exception {
        try (TestServer echo = TestServer.lines("s"); ProxyRuntime rt = runtime(transport)) {
            InetSocketAddress fe = apply(rt, new TestConfig().timeouts(SHORT_CLIENT).nolinger(true)
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").server("s", echo.address()).end());
            try (Socket s = Clients.connect(fe)) {
                assertEquals("s a", Clients.roundTrip(s, "a"));
                assertThrows(SocketException.class, () -> s.getInputStream().read(), "RST, not FIN");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void serverFinIsForwardedAndTheClientCanStillSend(Transport transport) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ProxyRuntime rt = runtime(transport)) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("banner\n".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput(); // the server is done talking first
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            InetSocketAddress fe = apply(rt, new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").server("s", new HostPort("127.0.0.1", server.getLocalPort())).end());
            try (Socket c = Clients.connect(fe)) {
                InputStream in = c.getInputStream();
                assertEquals("banner", Clients.readLine(in));
                assertEquals(-1, in.read(), "the server's FIN reached the client");
                c.getOutputStream().write("still talking".getBytes(StandardCharsets.US_ASCII));
                c.shutdownOutput();
                assertEquals("still talking", received.get(10, TimeUnit.SECONDS));
            }
        }
    }

    /**
     * The client sends its request and FIN, then reads a response much larger than the
     * socket buffers: the proxy keeps writing to a client whose input it has shut, waiting
     * for the socket to drain (the case Netty 4.2.18's epoll transport lost, see
     * {@link Transport}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void largeResponseAfterClientFinArrivesWhole(Transport transport) throws Exception {
        try (ProxyRuntime rt = runtime(transport)) {
            largeResponseAfterClientFin(rt);
        }
    }

    static void largeResponseAfterClientFin(ProxyRuntime rt) throws Exception {
        byte[] response = new byte[16 << 20];
        new Random(3).nextBytes(response);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readAllBytes(); // the request, up to the client's FIN
                    s.getOutputStream().write(response);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            InetSocketAddress fe = apply(rt, new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").server("s", new HostPort("127.0.0.1", server.getLocalPort())).end());
            try (Socket c = Clients.connect(fe)) {
                c.setReceiveBufferSize(64 * 1024);
                // A request bigger than the socket buffers: its FIN reaches the proxy while
                // the proxy waits for a write to the server (no read pending).
                byte[] request = new byte[4 << 20];
                c.getOutputStream().write(request);
                c.shutdownOutput();
                // Let the response pile up in the proxy before reading any of it.
                io.pointsman.proxy.testing.Clients.await("response backed up in the proxy", 10_000,
                        () -> rt.stats().snapshot().frontends().get("fe").bytesOut() >= 1 << 20);
                c.setSoTimeout(10_000);
                assertArrayEquals(response, c.getInputStream().readAllBytes());
            }
            serving.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDefaultTransportIsTheFirstOfIoUringEpollNioThatLoads() {
        String forced = System.getProperty(Transport.PROPERTY);
        String expected = forced != null ? forced
                : IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
        assertEquals(expected, Transport.choose().name());
    }

    @Test
    void anUnknownTransportNameIsRefusedWithTheChoices() {
        String before = System.getProperty(Transport.PROPERTY);
        System.setProperty(Transport.PROPERTY, "kqueue");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Transport::choose);
            assertEquals("-Dpointsman.transport=kqueue: expected io_uring, epoll or nio", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Transport.PROPERTY);
            } else {
                System.setProperty(Transport.PROPERTY, before);
            }
        }
    }

    @Test
    void aClientThatFinishesWhileQueuedIsServedUnlessAbortOnClose() throws Exception {
        for (boolean abortOnClose : new boolean[] {false, true}) {
            try (TestServer echo = TestServer.lines("s"); ProxyRuntime rt = runtime(Transport.choose())) {
                InetSocketAddress fe = apply(rt, new TestConfig()
                        .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                        .backend("be").abortOnClose(abortOnClose).server("s", echo.address(), 1).end());
                try (Socket holder = Clients.connect(fe); Socket waiting = Clients.connect(fe)) {
                    assertEquals("s a", Clients.roundTrip(holder, "a"));
                    waiting.getOutputStream().write("b\n".getBytes(StandardCharsets.US_ASCII));
                    Clients.await("queued", 5000,
                            () -> rt.stats().snapshot().backends().get("be").queueCurrent() == 1);
                    waiting.shutdownOutput();
                    if (abortOnClose) {
                        assertEquals(-1, waiting.getInputStream().read(), "dropped while queued");
                        Clients.await("the queue left", 5000,
                                () -> rt.stats().snapshot().backends().get("be").queueCurrent() == 0);
                    }
                    holder.close();
                    if (!abortOnClose) {
                        // Half-closed: its line goes to the server once a slot frees, the answer comes back.
                        assertEquals("s b", Clients.readLine(waiting.getInputStream()));
                    }
                }
                Clients.await("the slot given back", 5000,
                        () -> rt.stats().snapshot().servers().get("be/" + echo.address()).current() == 0);
                assertEquals(abortOnClose ? 1 : 2, echo.accepted());
            }
        }
    }
}
