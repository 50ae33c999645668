package io.pointsman.proxy.runtime;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MaxconnTest {
    private ProxyRuntime runtime;
    private TestServer echo;

    @BeforeEach
    void start() {
        runtime = ProxyRuntime.builder().threads(2).build().start();
        echo = TestServer.lines("s");
    }

    @AfterEach
    void stop() {
        runtime.close();
        echo.close();
    }

    private InetSocketAddress apply(TestConfig c) {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(c.build(), "r"));
        return runtime.boundAddresses("fe").get(0);
    }

    /** The proxy does not answer within a short read timeout: the client is still waiting. */
    private static void assertWaiting(Socket s) throws Exception {
        s.getOutputStream().write("wait\n".getBytes());
        s.getOutputStream().flush();
        s.setSoTimeout(300);
        InputStream in = s.getInputStream();
        assertThrows(SocketTimeoutException.class, in::read);
        s.setSoTimeout(5000);
    }

    @Test
    void frontendMaxconnMakesTheThirdClientWaitInTheBacklog() throws Exception {
        InetSocketAddress fe = apply(new TestConfig()
                .frontend("fe").bind("127.0.0.1:0").maxconn(2).defaultBackend("be").end()
                .backend("be").server("s1", echo.address()).end());
        try (Socket one = Clients.connect(fe); Socket two = Clients.connect(fe)) {
            assertEquals("s 1", Clients.roundTrip(one, "1"));
            assertEquals("s 2", Clients.roundTrip(two, "2"));
            try (Socket three = Clients.connect(fe)) { // the kernel completes the handshake; we do not accept
                assertWaiting(three);
                assertEquals(2, runtime.connectionCount());
                one.close();
                // Served once a slot is free: the line sent while waiting arrives first.
                assertEquals("s wait", Clients.readLine(three.getInputStream()));
                assertEquals("s 3", Clients.roundTrip(three, "3"));
                assertEquals(2, runtime.stats().snapshot().frontends().get("fe").max());
            }
        }
    }

    @Test
    void globalMaxconnLimitsAllFrontends() throws Exception {
        TestConfig c = new TestConfig().global(1, null, null)
                .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                .frontend("other").bind("127.0.0.2:0").defaultBackend("be").end()
                .backend("be").server("s1", echo.address()).end();
        InetSocketAddress fe = apply(c);
        InetSocketAddress other = runtime.boundAddresses("other").get(0);
        try (Socket one = Clients.connect(fe)) {
            assertEquals("s 1", Clients.roundTrip(one, "1"));
            try (Socket two = Clients.connect(other)) {
                assertWaiting(two);
                one.close();
                assertEquals("s wait", Clients.readLine(two.getInputStream()));
            }
        }
    }

    @Test
    void serverAtMaxconnQueuesUntilASlotFrees() throws Exception {
        InetSocketAddress fe = apply(new TestConfig()
                .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                .backend("be").server("s1", echo.address(), 1).end());
        try (Socket one = Clients.connect(fe)) {
            assertEquals("s 1", Clients.roundTrip(one, "1"));
            try (Socket two = Clients.connect(fe)) {
                assertWaiting(two);
                await("second connection queued", 5000,
                        () -> runtime.stats().snapshot().backends().get("be").queueCurrent() == 1);
                one.close();
                assertEquals("s wait", Clients.readLine(two.getInputStream()));
                assertEquals(0, runtime.stats().snapshot().backends().get("be").queueCurrent());
                assertEquals(1, runtime.stats().snapshot().backends().get("be").queueMax(), "qmax keeps the peak");
                assertEquals(1, runtime.stats().snapshot().servers().get("be/" + echo.address()).max());
            }
        }
    }

    @Test
    void queueTimeoutClosesTheWaitingClient() throws Exception {
        InetSocketAddress fe = apply(new TestConfig()
                .timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30),
                        null, null, null, null, Duration.ofMillis(200)))
                .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                .backend("be").server("s1", echo.address(), 1).end());
        try (Socket one = Clients.connect(fe)) {
            assertEquals("s 1", Clients.roundTrip(one, "1"));
            Socket two = Clients.connect(fe);
            assertEquals(-1, two.getInputStream().read(), "closed after the queue timeout");
            assertEquals(1, runtime.stats().snapshot().backends().get("be").denied());
            assertEquals("s 2", Clients.roundTrip(one, "2"));
            two.close();
        }
    }
}
