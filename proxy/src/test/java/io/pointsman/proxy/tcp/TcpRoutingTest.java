package io.pointsman.proxy.tcp;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routing decisions a tcp frontend makes from the connection: source, PROXY header source, SNI. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpRoutingTest {
    private ProxyRuntime runtime;

    @BeforeEach
    void start() {
        runtime = ProxyRuntime.builder().threads(2).health(HealthView.ALWAYS_UP).build().start();
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private InetSocketAddress apply(TestConfig c) {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(c.build(), "r"));
        return runtime.boundAddresses("fe").get(0);
    }

    @Test
    void routesBySourceAddress() throws Exception {
        try (TestServer two = TestServer.lines("two"); TestServer three = TestServer.lines("three");
             TestServer other = TestServer.lines("other")) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0")
                    .srcAcl("from-two", "127.0.0.2/32").srcAcl("from-three", "127.0.0.3")
                    .use("two", "from-two").use("three", "from-three").defaultBackend("other").end()
                    .backend("two").server("s", two.address()).end()
                    .backend("three").server("s", three.address()).end()
                    .backend("other").server("s", other.address()).end());
            String[][] cases = {{"127.0.0.2", "two"}, {"127.0.0.3", "three"}, {"127.0.0.4", "other"}};
            for (String[] c : cases) {
                try (Socket s = Clients.connect(c[0], fe)) {
                    assertEquals(c[1] + " hi", Clients.roundTrip(s, "hi"), "client " + c[0]);
                }
            }
        }
    }

    @Test
    void dualStackWildcardSeesIpv4ClientsAsIpv4() throws Exception {
        try (TestServer two = TestServer.recording(); TestServer other = TestServer.lines("other")) {
            int port = Clients.freePort();
            apply(new TestConfig()
                    .frontend("fe").bind("*:" + port)
                    .srcAcl("from-two", "127.0.0.2").use("two", "from-two").defaultBackend("other").end()
                    .backend("two").sendProxy(io.pointsman.proxy.config.SendProxy.V1).server("s", two.address()).end()
                    .backend("other").server("s", other.address()).end());
            try (Socket s = Clients.connect("127.0.0.2", new InetSocketAddress("127.0.0.1", port))) {
                s.getOutputStream().write('!');
                String expected = "PROXY TCP4 127.0.0.2 127.0.0.1 " + s.getLocalPort() + " " + port + "\r\n!";
                await("header at the server", 5000, () -> two.connections().size() == 1
                        && two.connections().get(0).text().length() >= expected.length());
                assertEquals(expected, two.connections().get(0).text());
            }
        }
    }

    @Test
    void acceptProxyRoutesOnTheHeaderSource() throws Exception {
        try (TestServer pilot = TestServer.lines("pilot"); TestServer other = TestServer.lines("other")) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").acceptProxy()
                    .srcAcl("from-pilot", "203.0.113.0/24").use("pilot", "from-pilot").defaultBackend("other").end()
                    .backend("pilot").server("s", pilot.address()).end()
                    .backend("other").server("s", other.address()).end());
            try (Socket s = Clients.connect(fe)) {
                s.getOutputStream().write("PROXY TCP4 203.0.113.9 192.0.2.1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("pilot a", Clients.roundTrip(s, "a"));
            }
            try (Socket s = Clients.connect(fe)) {
                // v2 header from 198.51.100.7: not the pilot network.
                s.getOutputStream().write(v2Header(new byte[] {(byte) 198, 51, 100, 7}));
                assertEquals("other b", Clients.roundTrip(s, "b"));
            }
        }
    }

    private static byte[] v2Header(byte[] src) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.write(0x21);
        b.write(0x11);
        b.write(0);
        b.write(12);
        b.writeBytes(src);
        b.writeBytes(new byte[] {(byte) 192, 0, 2, 1});
        b.writeBytes(new byte[] {(byte) 0x9c, 0x40, 0x01, (byte) 0xbb});
        return b.toByteArray();
    }

    @Test
    void sniPeekRoutesByServerNameAndForwardsTheHelloUnchanged() throws Exception {
        try (TestServer api = TestServer.recording(); TestServer web = TestServer.recording();
             TestServer other = TestServer.recording()) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0")
                    .sniAcl("is-api", "api.example.com").sniAcl("is-web", "*.web.example.com")
                    .use("api", "is-api").use("web", "is-web").defaultBackend("other").end()
                    .backend("api").server("s", api.address()).end()
                    .backend("web").server("s", web.address()).end()
                    .backend("other").server("s", other.address()).end());
            byte[] apiHello = clientHello("api.example.com");
            byte[] webHello = clientHello("shop.web.example.com");
            byte[] trailer = "after-the-hello".getBytes(StandardCharsets.US_ASCII);
            sendInTwoParts(fe, apiHello, trailer);
            sendInTwoParts(fe, webHello, trailer);
            try (Socket s = Clients.connect(fe)) {
                s.getOutputStream().write("not tls at all".getBytes(StandardCharsets.US_ASCII));
                awaitBytes(other, "not tls at all".length());
            }
            assertArrayEquals(concat(apiHello, trailer), awaitBytes(api, apiHello.length + trailer.length));
            assertArrayEquals(concat(webHello, trailer), awaitBytes(web, webHello.length + trailer.length));
            assertEquals("not tls at all", other.connections().get(0).text());
        }
    }

    @Test
    void acceptProxyThenSniPeekBothFeedRouting() throws Exception {
        try (TestServer pilotApi = TestServer.recording(); TestServer other = TestServer.recording()) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").acceptProxy()
                    .srcAcl("from-pilot", "203.0.113.0/24").sniAcl("is-api", "api.example.com")
                    .use("pilot-api", "from-pilot is-api").defaultBackend("other").end()
                    .backend("pilot-api").server("s", pilotApi.address()).end()
                    .backend("other").server("s", other.address()).end());
            byte[] hello = clientHello("api.example.com");
            byte[] header = "PROXY TCP4 203.0.113.9 192.0.2.1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII);
            // Header alone first, the hello later: the peek must ask for more bytes itself.
            try (Socket s = Clients.connect(fe)) {
                s.setTcpNoDelay(true);
                s.getOutputStream().write(header);
                s.getOutputStream().flush();
                s.getOutputStream().write(hello);
                s.getOutputStream().flush();
                assertArrayEquals(hello, awaitBytes(pilotApi, hello.length));
            }
            // Header and hello in one segment, from a source outside the pilot network.
            try (Socket s = Clients.connect(fe)) {
                s.getOutputStream().write(concat("PROXY TCP4 198.51.100.7 192.0.2.1 40000 443\r\n"
                        .getBytes(StandardCharsets.US_ASCII), hello));
                s.getOutputStream().flush();
                assertArrayEquals(hello, awaitBytes(other, hello.length));
            }
        }
    }

    /** The hello split in two writes, so the peek must wait for the rest; then more bytes. */
    private static void sendInTwoParts(InetSocketAddress fe, byte[] hello, byte[] trailer) throws Exception {
        Socket s = Clients.connect(fe);
        s.setTcpNoDelay(true);
        s.getOutputStream().write(hello, 0, 20);
        s.getOutputStream().flush();
        s.getOutputStream().write(hello, 20, hello.length - 20);
        s.getOutputStream().write(trailer);
        s.getOutputStream().flush();
        // Closed by the test server's runtime teardown; keep it open until the bytes arrived.
        OPEN.add(s);
    }

    private static final java.util.List<Socket> OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void closeSockets() throws Exception {
        for (Socket s : OPEN) {
            s.close();
        }
        OPEN.clear();
    }

    private static byte[] awaitBytes(TestServer server, int n) {
        await(n + " bytes at the server", 5000,
                () -> server.connections().size() == 1 && server.connections().get(0).bytes().length >= n);
        return server.connections().get(0).bytes();
    }

    /** A real ClientHello, as Netty's TLS client writes it. */
    private static byte[] clientHello(String serverName) throws Exception {
        SslContext ctx = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
        EmbeddedChannel ch = new EmbeddedChannel(ctx.newHandler(ByteBufAllocator.DEFAULT, serverName, 443));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            b.release();
            out.writeBytes(a);
        }
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
