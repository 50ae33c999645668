package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.testing.TestConfig;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GenerationCompilerTest {

    @Test
    void canonicalDottedQuadsParseAsTheJdkParsesThem() throws Exception {
        Random r = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            String host = r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
            assertArrayEquals(InetAddress.getByName(host).getAddress(), GenerationCompiler.dottedQuad(host), host);
        }
        assertArrayEquals(new byte[] {0, 0, 0, 0}, GenerationCompiler.dottedQuad("0.0.0.0"));
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255},
                GenerationCompiler.dottedQuad("255.255.255.255"));
    }

    @Test
    void everyOtherFormIsLeftToTheJdk() {
        for (String host : new String[] {"127.1", "127.0.1", "010.0.0.1", "1.2.3.04", "256.0.0.1", "1.2.3.4.5", "1.2.3.",
            ".1.2.3", "1..2.3", "1.2.3.4 ", "+1.2.3.4", "a.b.c.d", "localhost", "::1", "1.2.3.1000", "", "1234.1.1.1"}) {
            assertNull(GenerationCompiler.dottedQuad(host), host);
        }
    }

    @Test
    void serverKeysAreBackendSlashAddressAndLiteralsResolveWithoutDns() {
        ProxyConfigHolder h = new ProxyConfigHolder();
        Generation g = h.compiler.compile(new TestConfig()
                .backend("a").server("s1", new HostPort("127.0.0.1", 9001)).server("s2", new HostPort("10.0.0.7", 9002)).end()
                .backend("b").server("s1", new HostPort("localhost", 9001)).end()
                .build(), "r1", 1);
        Set<String> keys = new HashSet<>();
        for (LiveBackend b : g.backends().values()) {
            for (LiveServer s : b.servers()) {
                keys.add(s.key());
            }
        }
        assertEquals(Set.of("a/127.0.0.1:9001", "a/10.0.0.7:9002", "b/localhost:9001"), keys);
        assertTrue(g.statsChange().droppedServers().isEmpty(), "a first generation drops nothing");
        LiveServer literal = g.backend("a").servers().get(1);
        assertEquals("10.0.0.7", literal.address().getAddress().getHostAddress());
        assertEquals(9002, literal.address().getPort());
    }

    /** Each call builds new config objects, as a fresh load of the same files does. */
    private static ProxyConfig config(int maxconnOfA2, boolean withC) {
        TestConfig c = new TestConfig()
                .frontend("fe").bind("127.0.0.1:0").defaultBackend("a").srcAcl("lan", "10.0.0.0/8").use("b", "lan").end()
                .backend("a").server("a1", new HostPort("127.0.0.1", 9001))
                        .server("a2", new HostPort("127.0.0.1", 9002), maxconnOfA2).end()
                .backend("b").server("b1", new HostPort("10.0.0.7", 9001)).end()
                .backend("named").server("n1", new HostPort("localhost", 9001)).end();
        if (withC) {
            c.backend("c").server("c1", new HostPort("127.0.0.3", 9001)).end();
        }
        return c.build();
    }

    @Test
    void whatIsUnchangedIsTakenOverFromTheGenerationBefore() {
        ProxyConfigHolder h = new ProxyConfigHolder();
        Generation g1 = h.compiler.compile(config(5, true), "r1", 1);
        Generation g2 = h.compiler.compile(config(6, true), "r2", 2, g1);

        // Equal config, IP literals: the same backend object, servers and balancer included.
        assertSame(g1.backend("b"), g2.backend("b"));
        assertSame(g1.backend("c"), g2.backend("c"));
        // Changed (a2's maxconn): compiled again; the unchanged server is the same object,
        // the changed one is new but keeps key and counters, so its numbers go on.
        LiveBackend a1 = g1.backend("a");
        LiveBackend a2 = g2.backend("a");
        assertNotSame(a1, a2);
        assertSame(a1.servers().get(0), a2.servers().get(0));
        assertNotSame(a1.servers().get(1), a2.servers().get(1));
        for (int i = 0; i < 6; i++) {
            assertTrue(a2.servers().get(1).tryAcquire(), "slot " + (i + 1) + " of the new maxconn 6");
        }
        assertFalse(a2.servers().get(1).tryAcquire(), "maxconn 6 is in effect");
        assertSame(a1.servers().get(1).counters(), a2.servers().get(1).counters());
        assertSame(a1.servers().get(1).address(), a2.servers().get(1).address(), "a literal is not resolved again");
        assertSame(a1.counters(), a2.counters());
        assertSame(a1.queue(), a2.queue());
        // A host name is resolved again on every swap (DNS may have moved): never taken
        // over as it is, but its counters are.
        assertNotSame(g1.backend("named"), g2.backend("named"));
        assertNotSame(g1.backend("named").servers().get(0), g2.backend("named").servers().get(0));
        assertSame(g1.backend("named").servers().get(0).counters(), g2.backend("named").servers().get(0).counters());
        // Equal frontend: the compiled router is kept.
        assertSame(g1.frontend("fe"), g2.frontend("fe"));
        assertTrue(g2.statsChange().droppedServers().isEmpty() && g2.statsChange().droppedBackends().isEmpty());
    }

    @Test
    void reorderedServersKeepTheirCountersByAddress() {
        ProxyConfigHolder h = new ProxyConfigHolder();
        ProxyConfig forward = new TestConfig().backend("a").server("x", new HostPort("127.0.0.1", 1))
                .server("y", new HostPort("127.0.0.1", 2)).end().build();
        ProxyConfig backward = new TestConfig().backend("a").server("y", new HostPort("127.0.0.1", 2))
                .server("x", new HostPort("127.0.0.1", 1)).end().build();
        Generation g1 = h.compiler.compile(forward, "r1", 1);
        Generation g2 = h.compiler.compile(backward, "r2", 2, g1);
        assertSame(g1.backend("a").servers().get(0), g2.backend("a").servers().get(1));
        assertSame(g1.backend("a").servers().get(1), g2.backend("a").servers().get(0));
        assertEquals("y", g2.backend("a").servers().get(0).name());
    }

    @Test
    void departedListsWhatTheNewGenerationDropped() {
        ProxyConfigHolder h = new ProxyConfigHolder();
        Generation g1 = h.compiler.compile(config(5, true), "r1", 1);
        ProxyConfig smaller = new TestConfig()
                .backend("a").server("a1", new HostPort("127.0.0.1", 9001)).end()
                .backend("b").server("b1", new HostPort("10.0.0.7", 9001)).end()
                .backend("named").server("n1", new HostPort("localhost", 9001)).end()
                .build();
        Generation g2 = h.compiler.compile(smaller, "r2", 2, g1);
        assertEquals(List.of("fe"), g2.statsChange().droppedFrontends());
        assertEquals(List.of("c"), g2.statsChange().droppedBackends());
        assertEquals(Set.of("a/127.0.0.1:9002", "c/127.0.0.3:9001"), Set.copyOf(g2.statsChange().droppedServers()));
    }

    @Test
    void theRuntimeForgetsCountersOfDroppedServersOnly() {
        ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
        try {
            runtime.apply(config(5, true), "r1");
            runtime.current().backend("a").servers().get(0).counters().open();
            runtime.apply(config(6, false), "r2");
            var servers = runtime.stats().snapshot().servers();
            assertEquals(Set.of("a/127.0.0.1:9001", "a/127.0.0.1:9002", "b/10.0.0.7:9001", "named/localhost:9001"),
                    servers.keySet());
            assertEquals(1, servers.get("a/127.0.0.1:9001").current(), "carried over, not reset");
            assertEquals(Set.of("a", "b", "named"), runtime.stats().snapshot().backends().keySet());
        } finally {
            runtime.close();
        }
    }

    @Test
    void anAddressTwiceIsRefusedAlsoWhenTheBackendExistedBefore() {
        ProxyConfigHolder h = new ProxyConfigHolder();
        Generation g1 = h.compiler.compile(new TestConfig().backend("a").server("x", new HostPort("127.0.0.1", 1))
                .server("y", new HostPort("127.0.0.1", 2)).end().build(), "r1", 1);
        ProxyConfig twice = new TestConfig().backend("a").server("x", new HostPort("127.0.0.1", 1))
                .server("y", new HostPort("127.0.0.1", 1)).end().build();
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> h.compiler.compile(twice, "r2", 2, g1));
        assertTrue(e.getMessage().contains("127.0.0.1:1 twice"), e.getMessage());
    }

    private static final class ProxyConfigHolder {
        final GenerationCompiler compiler = new GenerationCompiler(HealthView.ALWAYS_UP,
                new io.pointsman.proxy.admin.ServerOverrides());
    }
}
