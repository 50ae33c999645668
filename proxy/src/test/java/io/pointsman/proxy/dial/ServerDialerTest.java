package io.pointsman.proxy.dial;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Balance;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.stats.CountersSnapshot;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.StalledListener;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server dialer through the real runtime on loopback, in both modes: the same
 * scenario gives the same counters in tcp and in http. Every client sends one HTTP
 * request (a tcp frontend relays it as bytes to the same HTTP server); a refusal is a
 * 503 page in http and a close in tcp.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerDialerTest {
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

    private ProxyRuntime runtime;

    @BeforeEach
    void start() {
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private InetSocketAddress apply(TestConfig config) {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config.build(), "r1"));
        return runtime.boundAddresses("fe").get(0);
    }

    private static TestConfig config(Mode mode, Duration connect, Duration queue) {
        return new TestConfig()
                .timeouts(new Timeouts(connect, Duration.ofSeconds(30), Duration.ofSeconds(30), null, null, null,
                        null, queue))
                .frontend("fe").mode(mode).bind("127.0.0.1:0").defaultBackend("be").end();
    }

    private CountersSnapshot server(HostPort address) {
        return runtime.stats().snapshot().servers().get("be/" + address);
    }

    private CountersSnapshot backend() {
        return runtime.stats().snapshot().backends().get("be");
    }

    private CountersSnapshot frontend() {
        return runtime.stats().snapshot().frontends().get("fe");
    }

    /**
     * Sends one request; the response's status line, or "closed" when the proxy closed
     * without one (a reset too: the request it never read was still in its socket).
     */
    private static String outcome(Socket s) throws IOException {
        s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
        } catch (SocketException reset) {
            return "closed";
        }
        return line.length() == 0 ? "closed" : line.toString();
    }

    /** Leaves at once: a reset, so the proxy learns it whatever it was waiting for (a FIN may mean "still reading"). */
    private static void leave(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    private static String refused(Mode mode) {
        return mode == Mode.HTTP ? "HTTP/1.1 503 Service Unavailable" : "closed";
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFailedConnectIsRedispatchedToAnotherServer(Mode mode) throws Exception {
        HostPort dead = new HostPort("127.0.0.1", Clients.deadPort());
        try (TestServer alive = TestServer.http("alive")) {
            InetSocketAddress fe = apply(config(mode, Duration.ofSeconds(2), Duration.ofSeconds(5))
                    .backend("be").balance(Balance.FIRST).retries(3, true)
                    .server("dead", dead).server("alive", alive.address()).end());
            try (Socket s = Clients.connect(fe)) {
                assertEquals("HTTP/1.1 200 OK", outcome(s));
            }
            await("the slot given back", 5000, () -> server(alive.address()).current() == 0);
            assertEquals(1, server(dead).connectErrors());
            assertEquals(1, server(dead).redispatches(), "counted on the server left, as HAProxy does");
            assertEquals(0, server(dead).retries());
            assertEquals(1, server(alive.address()).total());
            assertEquals(1, backend().connectErrors());
            assertEquals(1, backend().redispatches());
            assertEquals(0, backend().retries());
            assertEquals(0, backend().denied());
            assertEquals(0, server(dead).current());
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void withoutRedispatchTheSameServerIsRetriedThenTheClientIsRefused(Mode mode) throws Exception {
        HostPort dead = new HostPort("127.0.0.1", Clients.deadPort());
        InetSocketAddress fe = apply(config(mode, Duration.ofSeconds(2), Duration.ofSeconds(5))
                .backend("be").retries(2, false).server("dead", dead).end());
        try (Socket s = Clients.connect(fe)) {
            assertEquals(refused(mode), outcome(s));
        }
        await("the slot given back", 5000, () -> server(dead).current() == 0 && backend().current() == 0);
        assertEquals(3, server(dead).connectErrors(), "1 + retries attempts");
        assertEquals(2, server(dead).retries());
        assertEquals(0, server(dead).redispatches());
        assertEquals(3, backend().connectErrors());
        assertEquals(2, backend().retries());
        assertEquals(0, backend().denied(), "a failed connect is not a refusal");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noUsableServerIsRefusedAtOnce(Mode mode) throws Exception {
        try (TestServer web = TestServer.http("web")) {
            InetSocketAddress fe = apply(config(mode, Duration.ofSeconds(2), Duration.ofSeconds(5))
                    .backend("be").disabledServer("off", web.address()).end());
            try (Socket s = Clients.connect(fe)) {
                assertEquals(refused(mode), outcome(s));
            }
            assertEquals(0, web.accepted());
            assertEquals(1, backend().denied());
            assertEquals(1, frontend().denied());
            assertEquals(0, backend().queuedTotal(), "no waiting when nothing could serve");
            assertEquals(0, server(web.address()).connectErrors());
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClientWaitingLongerThanTimeoutQueueIsRefused(Mode mode) throws Exception {
        try (StalledListener stalled = new StalledListener()) {
            InetSocketAddress fe = apply(config(mode, Duration.ofSeconds(20), Duration.ofMillis(300))
                    .backend("be").server("s", stalled.address(), 1).end());
            Socket holder = Clients.connect(fe);
            holder.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            holder.getOutputStream().flush();
            await("the only slot taken by a connect that hangs", 5000,
                    () -> server(stalled.address()).current() == 1);
            try (Socket waiting = Clients.connect(fe)) {
                assertEquals(refused(mode), outcome(waiting));
            }
            assertEquals(1, backend().denied());
            assertEquals(1, frontend().denied());
            assertEquals(1, backend().queueMax());
            assertEquals(0, backend().queueCurrent());
            leave(holder);
            await("the hanging connect given up with its client", 5000,
                    () -> server(stalled.address()).current() == 0 && backend().current() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClientThatLeavesWhileConnectingOrQueuedGivesEverythingBack(Mode mode) throws Exception {
        try (StalledListener stalled = new StalledListener(); TestServer later = TestServer.http("later")) {
            InetSocketAddress fe = apply(config(mode, Duration.ofSeconds(20), Duration.ofSeconds(20))
                    .backend("be").server("s", stalled.address(), 1).end());
            Socket connecting = Clients.connect(fe);
            connecting.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            connecting.getOutputStream().flush();
            await("connecting, the slot held", 5000, () -> server(stalled.address()).current() == 1);
            Socket queued = Clients.connect(fe);
            queued.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            queued.getOutputStream().flush();
            await("queued", 5000, () -> backend().queueCurrent() == 1);

            leave(queued);
            await("the queue left", 5000, () -> backend().queueCurrent() == 0);
            assertEquals(1, server(stalled.address()).current(), "the connecting client still holds its slot");
            leave(connecting);
            await("the slot given back", 5000,
                    () -> server(stalled.address()).current() == 0 && backend().current() == 0);
            await("both clients gone", 5000, () -> runtime.connectionCount() == 0);
            assertEquals(0, backend().denied(), "a client that leaves is not refused");

            // Nothing was left behind: the same backend with a live server serves at once.
            InetSocketAddress fe2 = apply(config(mode, Duration.ofSeconds(2), Duration.ofSeconds(5))
                    .backend("be").server("s", later.address(), 1).end());
            try (Socket s = Clients.connect(fe2)) {
                assertEquals("HTTP/1.1 200 OK", outcome(s));
            }
            assertTrue(later.accepted() == 1);
        }
    }
}
