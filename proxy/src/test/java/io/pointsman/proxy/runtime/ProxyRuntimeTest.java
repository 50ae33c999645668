package io.pointsman.proxy.runtime;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyRuntimeTest {
    private ProxyRuntime runtime;
    private TestServer a;
    private TestServer b;

    @BeforeEach
    void start() {
        runtime = ProxyRuntime.builder().threads(2).build().start();
        a = TestServer.lines("a");
        b = TestServer.lines("b");
    }

    @AfterEach
    void stop() {
        runtime.close();
        a.close();
        b.close();
    }

    private TestConfig twoBackends() {
        return new TestConfig()
                .backend("a").server("s", a.address()).end()
                .backend("b").server("s", b.address()).end();
    }

    private static InetSocketAddress local(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void bindFailureKeepsTheOldGenerationServing() throws Exception {
        int port = Clients.freePort();
        int newPort = Clients.freePort();
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(twoBackends()
                .frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end().build(), "r1"));
        var listenerBefore = runtime.boundAddresses();
        try (Socket old = Clients.connect(local(port));
             ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals("a one", Clients.roundTrip(old, "one"));
            ApplyResult r = runtime.apply(twoBackends()
                    .frontend("fe").bind("127.0.0.1:" + port, "127.0.0.1:" + newPort,
                            "127.0.0.1:" + occupied.getLocalPort()).defaultBackend("b").end().build(), "r2");
            ApplyResult.BindFailed failed = assertInstanceOf(ApplyResult.BindFailed.class, r);
            assertEquals(new HostPort("127.0.0.1", occupied.getLocalPort()), failed.address());
            assertTrue(failed.message().contains(String.valueOf(occupied.getLocalPort())), failed.message());
            // Nothing changed: same generation, same listeners, the address bound for the
            // failed swap was closed again, old and new connections still served.
            assertEquals(1, runtime.current().number());
            assertEquals("r1", runtime.current().revision());
            assertEquals(listenerBefore, runtime.boundAddresses());
            // Bindable again: the listener this swap opened was closed. (A connect probe could
            // self-connect on loopback when the port is in the ephemeral range.)
            Clients.assertNotListening(newPort);
            assertEquals("a two", Clients.roundTrip(old, "two"));
            try (Socket fresh = Clients.connect(local(port))) {
                assertEquals("a three", Clients.roundTrip(fresh, "three"));
            }
        }
        // Once the port is free, the same config applies (next generation number).
        ApplyResult r = runtime.apply(twoBackends()
                .frontend("fe").bind("127.0.0.1:" + port, "127.0.0.1:" + newPort).defaultBackend("b").end()
                .build(), "r3");
        assertEquals(2, assertInstanceOf(ApplyResult.Applied.class, r).generation());
    }

    @Test
    void keptAddressKeepsItsSocketAndChangesFrontend() throws Exception {
        int port = Clients.freePort();
        runtime.apply(twoBackends().frontend("first").bind("127.0.0.1:" + port).defaultBackend("a").end().build(),
                "r1");
        var socketBefore = runtime.boundAddress(new HostPort("127.0.0.1", port));
        try (Socket old = Clients.connect(local(port))) {
            assertEquals("a 1", Clients.roundTrip(old, "1"));
            ApplyResult.Applied r = assertInstanceOf(ApplyResult.Applied.class, runtime.apply(twoBackends()
                    .frontend("second").bind("127.0.0.1:" + port).defaultBackend("b").end().build(), "r2"));
            assertEquals(List.of(new HostPort("127.0.0.1", port)), r.kept());
            assertSame(socketBefore, runtime.boundAddress(new HostPort("127.0.0.1", port)));
            try (Socket fresh = Clients.connect(local(port))) {
                assertEquals("b 2", Clients.roundTrip(fresh, "2"));
            }
            assertEquals("a 3", Clients.roundTrip(old, "3"), "the old connection keeps its generation");
            assertEquals(1, runtime.oldGenerations().size());
            assertEquals(1, runtime.oldGenerations().get(0).number());
        }
    }

    @Test
    void portZeroReportsTheRealPort() {
        runtime.apply(twoBackends().frontend("fe").bind("127.0.0.1:0").defaultBackend("a").end().build(), "r1");
        InetSocketAddress actual = runtime.boundAddresses("fe").get(0);
        assertNotEquals(0, actual.getPort());
    }

    @Test
    void wildcardBindServesIpv4AndIpv6WhenAvailable() throws Exception {
        int port = Clients.freePort();
        runtime.apply(twoBackends().frontend("fe").bind("*:" + port).defaultBackend("a").end().build(), "r1");
        try (Socket s = Clients.connect(local(port))) {
            assertEquals("a v4", Clients.roundTrip(s, "v4"));
        }
        if (runtime.transport().ipv6()) {
            try (Socket s = new Socket()) {
                s.setSoTimeout(5000);
                s.connect(new InetSocketAddress(InetAddress.getByName("::1"), port), 5000);
                assertEquals("a v6", Clients.roundTrip(s, "v6"));
            }
        }
    }

    @Test
    void oldGenerationsPastTheLimitAreClosedOldestFirst() throws Exception {
        int port = Clients.freePort();
        List<Socket> perGeneration = new ArrayList<>();
        try {
            for (int g = 1; g <= 4; g++) {
                runtime.apply(twoBackends().global(null, null, 2)
                        .frontend("fe").bind("127.0.0.1:" + port).defaultBackend(g % 2 == 0 ? "b" : "a").end()
                        .build(), "r" + g);
                Socket s = Clients.connect(local(port));
                Clients.roundTrip(s, "hi");
                perGeneration.add(s);
            }
            // Generations 1-3 are old; at most 2 may keep connections: generation 1's is closed.
            assertEquals(-1, perGeneration.get(0).getInputStream().read(), "gen 1 connection closed");
            assertEquals(List.of(2L, 3L), runtime.oldGenerations().stream().map(Generation::number).toList());
            for (int g = 1; g < 4; g++) {
                assertTrue(Clients.roundTrip(perGeneration.get(g), "still").endsWith("still"));
            }
        } finally {
            for (Socket s : perGeneration) {
                s.close();
            }
        }
    }

    @Test
    void hardStopAfterClosesOldTunnels() throws Exception {
        int port = Clients.freePort();
        runtime.apply(twoBackends().global(null, Duration.ofMillis(300), null)
                .frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end().build(), "r1");
        try (Socket old = Clients.connect(local(port))) {
            assertEquals("a x", Clients.roundTrip(old, "x"));
            runtime.apply(twoBackends().global(null, Duration.ofMillis(300), null)
                    .frontend("fe").bind("127.0.0.1:" + port).defaultBackend("b").end().build(), "r2");
            try (Socket current = Clients.connect(local(port))) {
                assertEquals("b y", Clients.roundTrip(current, "y"));
                // The old tunnel is closed by the timer (read returns EOF within the 5 s socket timeout).
                assertEquals(-1, old.getInputStream().read());
                assertEquals("b z", Clients.roundTrip(current, "z"), "the current generation is untouched");
            }
        }
        await("old generation gone", 5000, () -> runtime.oldGenerations().isEmpty());
    }

    @Test
    void countersSurviveASwapForUnchangedNames() throws Exception {
        int port = Clients.freePort();
        runtime.apply(twoBackends().frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end()
                .frontend("gone").bind("127.0.0.2:" + port).defaultBackend("a").end().build(), "r1");
        for (int i = 0; i < 3; i++) {
            try (Socket s = Clients.connect(local(port))) {
                Clients.roundTrip(s, "x");
            }
        }
        runtime.apply(twoBackends().frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end().build(), "r2");
        var snap = runtime.stats().snapshot();
        assertEquals(3, snap.frontends().get("fe").total());
        assertEquals(3, snap.backends().get("a").total());
        assertEquals(3, snap.servers().get("a/" + a.address()).total());
        assertEquals(java.util.Set.of("fe"), snap.frontends().keySet(), "a removed frontend leaves the stats");
    }

    @Test
    void aConfigThatDoesNotCompileChangesNothing() throws Exception {
        int port = Clients.freePort();
        runtime.apply(twoBackends().frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end().build(), "r1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runtime.apply(new TestConfig()
                .backend("a").server("s1", a.address()).server("s2", a.address()).end()
                .frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end().build(), "r2"));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        assertEquals("r1", runtime.current().revision());
        try (Socket s = Clients.connect(local(port))) {
            assertEquals("a ok", Clients.roundTrip(s, "ok"));
        }
    }

    @Test
    void applyBeforeStartIsRefused() throws Exception {
        ProxyRuntime notStarted = ProxyRuntime.builder().build();
        assertThrows(IllegalStateException.class,
                () -> notStarted.apply(twoBackends().frontend("fe").bind("127.0.0.1:0").defaultBackend("a").end()
                        .build(), "r"));
        notStarted.close();
    }

    @Test
    void closesEverythingOnClose() throws Exception {
        int port = Clients.freePort();
        runtime.apply(twoBackends().frontend("fe").bind("127.0.0.1:" + port).defaultBackend("a").end().build(), "r1");
        try (Socket s = Clients.connect(local(port))) {
            Clients.roundTrip(s, "x");
            runtime.close();
            assertEquals(-1, s.getInputStream().read());
        }
        Clients.assertNotListening(port);
    }
}
