package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.YamlConfigs;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idle server connections are kept per server and per address they were opened to: a
 * server written without a port connects to the port each client connected to, so a
 * connection opened for a client of one port must never carry a request that came in on
 * another (HAProxy reuses a connection only for the same destination).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepAlivePoolTargetTest {

    @Test
    void aPooledConnectionToAServerWithoutAPortServesOnlyTheClientPortItWasOpenedFor() throws Exception {
        int one = Clients.freePort();
        int two = Clients.freePort();
        // The same host, one server per port: what the client's destination port selects.
        try (HttpBackend portOne = new HttpBackend("one", "127.0.0.2", one);
             HttpBackend portTwo = new HttpBackend("two", "127.0.0.2", two);
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            String yaml = """
                    version: 1
                    frontends:
                      - { name: on-one, bind: ["127.0.0.1:%d"], default_backend: same-port }
                      - { name: on-two, bind: ["127.0.0.1:%d"], default_backend: same-port }
                    backends:
                      - name: same-port
                        http_reuse: always
                        servers: [{ name: s, address: "127.0.0.2" }]
                    """.formatted(one, two);
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            // One event loop: both clients draw on the same pool. Alternate between the ports
            // while each connection stays open, so the pool always holds the other port's
            // connection when a request comes.
            try (RawHttpClient a = new RawHttpClient(new InetSocketAddress("127.0.0.1", one));
                 RawHttpClient b = new RawHttpClient(new InetSocketAddress("127.0.0.1", two))) {
                for (int i = 0; i < 5; i++) {
                    assertEquals("one GET /a" + i, a.get("/a" + i, "h").body(), "a request that came in on port " + one);
                    assertEquals("two GET /b" + i, b.get("/b" + i, "h").body(), "a request that came in on port " + two);
                }
            }
            assertEquals(5, portOne.requests.get());
            assertEquals(5, portTwo.requests.get());
            // And the pool still works: each port's server saw its requests over few connections.
            assertTrue(portOne.connections.get() <= 2, "connections to port one: " + portOne.connections.get());
            assertTrue(portTwo.connections.get() <= 2, "connections to port two: " + portTwo.connections.get());
        }
    }
}
