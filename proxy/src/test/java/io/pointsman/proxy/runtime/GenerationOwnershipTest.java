package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.stats.StatsSnapshot;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What belongs to one config belongs to its generation: its counters are published with
 * it and the stats page moves with it, so a refused apply changes nothing that serves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GenerationOwnershipTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ProxyRuntime runtime;
    private TestServer a;
    private TestServer b;

    @BeforeEach
    void start() {
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).identity("lb9", "test").build()
                .start();
        a = TestServer.lines("a");
        b = TestServer.lines("b");
    }

    @AfterEach
    void stop() {
        runtime.close();
        a.close();
        b.close();
    }

    private TestConfig config(int port) {
        return new TestConfig()
                .frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end()
                .backend("a").server("s", a.address()).end()
                .backend("b").server("s", b.address()).end();
    }

    /** The same frontend, backend b gone, backend c and frontend fe2 new. */
    private TestConfig changed(int port, int port2) {
        return new TestConfig()
                .frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end()
                .frontend("fe2").bind("127.0.0.1:" + port2).defaultBackend("c").end()
                .backend("a").server("s", a.address()).end()
                .backend("c").server("s", b.address()).end();
    }

    @Test
    void aRefusedApplyNeverTouchesTheCounters() throws Exception {
        int port = Clients.freePort();
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(port).build(), "r1"));
        for (int i = 0; i < 3; i++) {
            try (Socket s = Clients.connect(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals("a x", Clients.roundTrip(s, "x"));
            }
        }
        Clients.await("three closed sessions", 5000, () -> runtime.stats().snapshot().backends().get("a").current() == 0);
        StatsSnapshot before = runtime.stats().snapshot();

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertInstanceOf(ApplyResult.BindFailed.class,
                    runtime.apply(changed(port, taken.getLocalPort()).build(), "r2"));
        }
        assertEquals(before, runtime.stats().snapshot(), "a bind failure registers and forgets nothing");
        TestConfig twice = changed(port, Clients.freePort());
        twice.backend("d").server("x", a.address()).server("y", a.address()).end();
        assertThrows(IllegalArgumentException.class, () -> runtime.apply(twice.build(), "r3"));
        assertEquals(before, runtime.stats().snapshot(), "nor does a config that does not compile");

        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(changed(port, Clients.freePort()).build(), "r4"));
        StatsSnapshot after = runtime.stats().snapshot();
        assertEquals(java.util.Set.of("a", "c"), after.backends().keySet());
        assertEquals(java.util.Set.of("fe", "fe2"), after.frontends().keySet());
        assertEquals(3, after.backends().get("a").total(), "kept names keep their counters");
        assertEquals(3, after.frontends().get("fe").total());
        assertEquals(0, after.backends().get("c").total());
    }

    private int get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theStatsPageIsBoundBeforeTheSwapAndClosedAfterIt() throws Exception {
        int port = Clients.freePort();
        int stats1 = Clients.freePort();
        assertInstanceOf(ApplyResult.Applied.class,
                runtime.apply(config(port).stats("127.0.0.1:" + stats1, "/stats").build(), "r1"));
        assertEquals(stats1, runtime.statsAddress().getPort());
        assertEquals(200, get(stats1, "/stats"));

        // Its bind fails: the swap is refused whole, the frontend address it bound closed again.
        int newFrontend = Clients.freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ApplyResult r = runtime.apply(changed(port, newFrontend).stats("127.0.0.1:" + taken.getLocalPort(),
                    "/stats").build(), "r2");
            ApplyResult.BindFailed failed = assertInstanceOf(ApplyResult.BindFailed.class, r);
            assertEquals(new HostPort("127.0.0.1", taken.getLocalPort()), failed.address());
            assertTrue(failed.message().contains("stats"), failed.message());
        }
        assertEquals("r1", runtime.current().revision());
        Clients.assertNotListening(newFrontend);
        assertEquals(200, get(stats1, "/stats"), "the stats page still serves where it was");

        // A frontend's bind fails: the stats page's new address is never bound.
        int stats2 = Clients.freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertInstanceOf(ApplyResult.BindFailed.class, runtime.apply(changed(port, taken.getLocalPort())
                    .stats("127.0.0.1:" + stats2, "/stats").build(), "r3"));
        }
        Clients.assertNotListening(stats2);

        // Same address: the listener is kept and takes the new settings with the swap.
        InetSocketAddress kept = runtime.statsAddress();
        assertInstanceOf(ApplyResult.Applied.class,
                runtime.apply(config(port).stats("127.0.0.1:" + stats1, "/haproxy").build(), "r4"));
        assertEquals(kept, runtime.statsAddress());
        assertEquals(200, get(stats1, "/haproxy"));
        assertEquals(404, get(stats1, "/stats"));

        // A new address: bound before the swap, the old one closed after it.
        assertInstanceOf(ApplyResult.Applied.class,
                runtime.apply(config(port).stats("127.0.0.1:" + stats2, "/stats").build(), "r5"));
        assertEquals(200, get(stats2, "/stats"));
        Clients.assertNotListening(stats1);

        // No stats section: closed.
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(port).build(), "r6"));
        assertNull(runtime.statsAddress());
        Clients.assertNotListening(stats2);
    }
}
