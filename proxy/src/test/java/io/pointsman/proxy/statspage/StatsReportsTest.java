package io.pointsman.proxy.statspage;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter from the real runtime (counters, health) to the stats report. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsReportsTest {

    @Test
    void reportReflectsGenerationCountersAndHealth() throws Exception {
        int port = Clients.freePort();
        HostPort dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = new HostPort("127.0.0.1", s.getLocalPort());
        }
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start();
             TestServer a = TestServer.lines("a")) {
            StatsReport empty = StatsReports.of(runtime, "lb1", "0.1.0").get();
            assertEquals(0, empty.generation());
            assertTrue(empty.proxies().isEmpty());

            runtime.apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:" + port).defaultBackend("be").end()
                    .backend("be").server("s1", a.address()).end()
                    .listen("lst", "127.0.0.1:" + Clients.freePort(), dead)
                    .build(), "0123456789abcdef0123456789abcdef01234567");
            try (Socket c = Clients.connect(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals("a hi", Clients.roundTrip(c, "hi"));
            }
            Clients.await("session closed", 5000,
                    () -> runtime.stats().snapshot().frontends().get("fe").current() == 0);

            StatsReport r = StatsReports.report(runtime, "lb1", "0.1.0", Instant.now().minusSeconds(61), Instant.now());
            assertEquals(1, r.generation());
            assertEquals("0123456", r.shortRevision());
            assertTrue(r.uptimeSeconds() >= 61);
            assertEquals(3, r.proxies().size());

            ProxySection fe = r.proxies().get(0);
            assertEquals("fe", fe.name());
            assertEquals(1, fe.frontend().totalSessions());
            assertTrue(fe.frontend().bytesIn() >= 3, "bytes from the client counted");
            assertNull(fe.backend());
            assertNull(fe.frontend().httpResponses(), "tcp mode: no HTTP response classes, as HAProxy");

            ProxySection be = r.proxies().get(1);
            assertEquals("be", be.name());
            assertEquals("no check", be.servers().get(0).status());
            assertEquals(1, be.servers().get(0).totalSessions());
            assertEquals("UP", be.backend().status());
            assertEquals(1, be.backend().active());
            assertNull(be.backend().httpResponses());
            assertNull(be.servers().get(0).httpResponses());

            ProxySection lst = r.proxies().get(2);
            assertEquals("lst", lst.name());
            assertTrue(lst.frontend() != null && lst.backend() != null, "a listen has both rows");
            assertEquals("lst-s0", lst.servers().get(0).name());

            String csv = CsvStats.render(r);
            assertTrue(csv.contains("\nbe,s1,"), csv);
            assertTrue(PrometheusStats.render(r).contains("pointsman_server_up{backend=\"be\",server=\"s1\"} 1"));
        }
    }
}
