package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.stats.ProxyStats;
import io.pointsman.proxy.testing.TestConfig;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    void theGenerationKnowsEveryServerKey() {
        ProxyConfigHolder h = new ProxyConfigHolder();
        Generation g = h.compiler.compile(new TestConfig()
                .backend("a").server("s1", new HostPort("127.0.0.1", 9001)).server("s2", new HostPort("10.0.0.7", 9002)).end()
                .backend("b").server("s1", new HostPort("localhost", 9001)).end()
                .build(), "r1", 1);
        Set<String> expected = new HashSet<>();
        for (LiveBackend b : g.backends().values()) {
            for (LiveServer s : b.servers()) {
                expected.add(s.key());
            }
        }
        assertEquals(Set.of("a/127.0.0.1:9001", "a/10.0.0.7:9002", "b/localhost:9001"), expected);
        assertEquals(expected, g.serverKeys());
        LiveServer literal = g.backend("a").servers().get(1);
        assertEquals("10.0.0.7", literal.address().getAddress().getHostAddress());
        assertEquals(9002, literal.address().getPort());
    }

    private static final class ProxyConfigHolder {
        final Map<String, ServerQueue> queues = new ConcurrentHashMap<>();
        final GenerationCompiler compiler = new GenerationCompiler(new ProxyStats(),
                n -> queues.computeIfAbsent(n, k -> new ServerQueue()), HealthView.ALWAYS_UP);
    }
}
