package io.pointsman.proxy.tcp;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.SendProxy;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.runtime.Transport;
import io.pointsman.proxy.stats.CountersSnapshot;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import io.pointsman.proxy.testing.Transports;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpRelayTest {
    private ProxyRuntime runtime;

    private void start(Transport transport) {
        runtime = ProxyRuntime.builder().threads(2).transport(transport).build().start();
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private InetSocketAddress apply(TestConfig c) {
        ApplyResult r = runtime.apply(c.build(), "test");
        assertInstanceOf(ApplyResult.Applied.class, r);
        return runtime.boundAddresses("fe").get(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void echoes64MiBByteExactWithHalfClose(Transport transport) throws Exception {
        start(transport);
        try (TestServer echo = TestServer.echo(null)) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").server("s1", echo.address()).end());
            byte[] data = new byte[64 << 20];
            new Random(42).nextBytes(data);
            try (Socket s = Clients.connect(fe)) {
                s.setSoTimeout(20_000);
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        for (int off = 0; off < data.length; off += 65536) {
                            out.write(data, off, Math.min(65536, data.length - off));
                        }
                        out.flush();
                        s.shutdownOutput(); // half-close: we still expect every byte back
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                MessageDigest got = MessageDigest.getInstance("SHA-256");
                InputStream in = s.getInputStream();
                byte[] buf = new byte[65536];
                long total = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.update(buf, 0, n);
                    total += n;
                }
                writer.get(20, TimeUnit.SECONDS);
                assertEquals(data.length, total);
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), got.digest());
            }
            await("connection closed after both FINs", 5000, () -> runtime.connectionCount() == 0);
            CountersSnapshot fs = runtime.stats().snapshot().frontends().get("fe");
            assertEquals(data.length, fs.bytesIn());
            assertEquals(data.length, fs.bytesOut());
            assertEquals(1, fs.total());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void deadFirstServerIsRetriedOnAnother(Transport transport) throws Exception {
        start(transport);
        int deadPort = Clients.deadPort();
        try (TestServer alive = TestServer.echo("alive")) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").retries(3, true)
                    .server("dead", new HostPort("127.0.0.1", deadPort))
                    .server("alive", alive.address()).end());
            for (int i = 0; i < 6; i++) {
                try (Socket s = Clients.connect(fe)) {
                    assertEquals("alive", Clients.readLine(s.getInputStream()));
                    assertEquals("ping" + i, Clients.roundTrip(s, "ping" + i));
                }
            }
            CountersSnapshot dead = runtime.stats().snapshot().servers().get("be/127.0.0.1:" + deadPort);
            assertTrue(dead.connectErrors() >= 1, "the dead server was tried: " + dead);
            assertTrue(runtime.stats().snapshot().backends().get("be").redispatches() >= 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void sendsProxyProtocolV1(Transport transport) throws Exception {
        start(transport);
        try (TestServer rec = TestServer.recording()) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").sendProxy(SendProxy.V1).server("s1", rec.address()).end());
            try (Socket s = Clients.connect("127.0.0.2", fe)) {
                s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String expected = "PROXY TCP4 127.0.0.2 127.0.0.1 " + s.getLocalPort() + " " + fe.getPort()
                        + "\r\nhello";
                await("header and payload at the server", 5000,
                        () -> rec.connections().size() == 1 && rec.connections().get(0).text().length() >= expected.length());
                assertEquals(expected, rec.connections().get(0).text());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void sendsProxyProtocolV2(Transport transport) throws Exception {
        start(transport);
        try (TestServer rec = TestServer.recording()) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").sendProxy(SendProxy.V2).server("s1", rec.address()).end());
            try (Socket s = Clients.connect("127.0.0.3", fe)) {
                s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                await("v2 header and payload", 5000,
                        () -> rec.connections().size() == 1 && rec.connections().get(0).bytes().length >= 16 + 12 + 1);
                byte[] got = rec.connections().get(0).bytes();
                byte[] sig = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
                for (int i = 0; i < sig.length; i++) {
                    assertEquals(sig[i], got[i], "signature byte " + i);
                }
                assertEquals(0x21, got[12] & 0xff, "version 2, command PROXY");
                assertEquals(0x11, got[13] & 0xff, "TCP over IPv4");
                assertEquals(12, ((got[14] & 0xff) << 8) | (got[15] & 0xff), "address block length");
                assertArrayEquals(new byte[] {127, 0, 0, 3}, java.util.Arrays.copyOfRange(got, 16, 20));
                assertArrayEquals(new byte[] {127, 0, 0, 1}, java.util.Arrays.copyOfRange(got, 20, 24));
                assertEquals(s.getLocalPort(), ((got[24] & 0xff) << 8) | (got[25] & 0xff));
                assertEquals(fe.getPort(), ((got[26] & 0xff) << 8) | (got[27] & 0xff));
                assertEquals(16 + 12 + 1, got.length);
                assertEquals('x', got[28]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(Transports.ALL)
    void acceptProxyTakesTheOriginalClientFromTheHeader(Transport transport) throws Exception {
        start(transport);
        try (TestServer rec = TestServer.recording()) {
            InetSocketAddress fe = apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").acceptProxy().defaultBackend("be").end()
                    .backend("be").sendProxy(SendProxy.V1).server("s1", rec.address()).end());
            try (Socket s = Clients.connect(fe)) {
                // Header and payload in one segment: the payload must survive the decoder.
                s.getOutputStream().write("PROXY TCP4 203.0.113.9 192.0.2.1 40000 443\r\npayload"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String expected = "PROXY TCP4 203.0.113.9 192.0.2.1 40000 443\r\npayload";
                await("relayed header", 5000,
                        () -> rec.connections().size() == 1 && rec.connections().get(0).text().length() >= expected.length());
                assertEquals(expected, rec.connections().get(0).text());
            }
        }
    }
}
