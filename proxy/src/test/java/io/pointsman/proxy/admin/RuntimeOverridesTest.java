package io.pointsman.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.statspage.PrometheusStats;
import io.pointsman.proxy.statspage.StatsReport;
import io.pointsman.proxy.statspage.StatsReports;
import io.pointsman.proxy.statspage.StatsRow;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestServer;
import io.pointsman.proxy.testing.UdpLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runtime server state on a real proxy with real sockets: drain and maint keep new
 * connections and requests away (source hash and keep-alive requests included) while
 * what a server serves finishes; a weight override rebuilds the balancer; overrides live
 * through swaps while their server exists and are dropped (and said) when a commit removes it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeOverridesTest {
    private static ProxyConfig yaml(String text) throws Exception {
        return ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", text)), null, SecretSource.of(Map.of())).config();
    }

    private static ProxyConfig tcp(String balance, TestServer... servers) throws Exception {
        StringBuilder sb = new StringBuilder("""
                version: 1
                defaults: { mode: tcp, retries: 0, timeout: { connect: 2s, client: 30s, server: 30s } }
                frontends: [ { name: fe, bind: ["127.0.0.1:0"], default_backend: be } ]
                backends:
                  - name: be
                    balance: %s
                    servers:
                """.formatted(balance));
        for (TestServer s : servers) {
            sb.append("      - { name: ").append(tagOf(s)).append(", address: \"").append(s.address()).append("\" }\n");
        }
        return yaml(sb.toString());
    }

    private static final Map<TestServer, String> TAGS = new java.util.concurrent.ConcurrentHashMap<>();

    private static TestServer server(String tag) {
        TestServer s = TestServer.lines(tag);
        TAGS.put(s, tag);
        return s;
    }

    private static String tagOf(TestServer s) {
        return TAGS.get(s);
    }

    private static ServerOverride drain(String reason) {
        return new ServerOverride(AdminState.DRAIN, null, reason, "test", Instant.now(), null);
    }

    /** The tag of the server a new connection lands on (its first reply line). */
    private static String land(InetSocketAddress fe, String from) throws IOException {
        try (Socket s = Clients.connect(from, fe)) {
            return Clients.roundTrip(s, "x").split(" ")[0];
        }
    }

    @Test
    void aDrainedServerGetsNoNewConnectionsWhileItsOpenOnesFinish() throws Exception {
        try (TestServer a = server("a"); TestServer b = server("b");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(tcp("roundrobin", a, b), "r1"));
            InetSocketAddress fe = runtime.boundAddresses("fe").get(0);
            List<Socket> open = new ArrayList<>();
            Socket onA = null;
            for (int i = 0; i < 4 && onA == null; i++) {
                Socket s = Clients.connect(fe);
                open.add(s);
                if (Clients.roundTrip(s, "hello").startsWith("a ")) {
                    onA = s;
                }
            }
            assertTrue(onA != null, "roundrobin reaches a");

            runtime.overrides().set("be", "a", drain("kernel upgrade"));
            assertEquals("a still here", Clients.roundTrip(onA, "still here"), "an open connection finishes");
            for (int i = 0; i < 8; i++) {
                assertEquals("b", land(fe, null), "no new connection to a drained server");
            }
            StatsRow row = serverRow(runtime, "a");
            assertEquals("DRAIN", row.status());
            assertTrue(row.runtime().startsWith("drain: kernel upgrade (test, "), row.runtime());
            String metrics = PrometheusStats.render(report(runtime));
            assertTrue(metrics.contains("pointsman_server_admin_state{backend=\"be\",server=\"a\",state=\"drain\"} 1"), metrics);
            assertTrue(metrics.contains("pointsman_server_runtime_override{backend=\"be\",server=\"a\"} 1"), metrics);
            assertTrue(metrics.contains("pointsman_server_runtime_override{backend=\"be\",server=\"b\"} 0"), metrics);

            runtime.overrides().set("be", "a", new ServerOverride(AdminState.READY, null, "", "test", Instant.now(), null));
            assertNull(runtime.overrides().get("be", "a"), "ready with git's weight: nothing overridden");
            List<String> landed = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                landed.add(land(fe, null));
            }
            assertTrue(landed.contains("a") && landed.contains("b"), landed.toString());
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void stateChangesReachTheLogTargetsInHaproxysWords() throws Exception {
        try (UdpLines log = new UdpLines(); TestServer a = server("a"); TestServer b = server("b");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            ProxyConfig config = yaml("""
                    version: 1
                    global: { log: [{ target: "udp://127.0.0.1:%d", format: rfc3164, tag: pm }] }
                    defaults: { mode: tcp }
                    frontends: [ { name: fe, bind: ["127.0.0.1:0"], default_backend: be } ]
                    backends:
                      - name: be
                        servers:
                          - { name: a, address: "%s" }
                          - { name: b, address: "%s", backup: true }
                    """.formatted(log.port(), a.address(), b.address()));
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config, "r1"));
            ServerOverrides o = runtime.overrides();

            o.set("be", "a", drain("kernel upgrade"));
            assertTrue(log.await("Server be/a enters drain state (kernel upgrade)").startsWith("<133>"),
                    "a notice (local0)");
            o.set("be", "a", new ServerOverride(AdminState.MAINT, null, "disk", "test", Instant.now(), null));
            assertTrue(log.await("Server be/a is going DOWN for maintenance (disk)").startsWith("<129>"),
                    "going into maintenance is an alert");
            o.clear("be", "a");
            log.await("Server be/a is UP/READY (leaving forced maintenance)");
            o.set("be", "b", drain(""));
            log.await("Backup Server be/b enters drain state");
            o.set("be", "b", new ServerOverride(AdminState.READY, null, "", "test", Instant.now(), null));
            log.await("Backup Server be/b is UP (leaving forced drain)");
            o.set("be", "a", new ServerOverride(null, WeightOverride.parse("50%"), "", "test", Instant.now(), null));
            Thread.sleep(200);
            assertEquals(5, log.lines().size(), "a weight change alone is no state change: " + log.lines());
        }
    }

    @Test
    void maintenanceMovesASourceHashClientAndReadyBringsItBack() throws Exception {
        try (TestServer a = server("a"); TestServer b = server("b"); TestServer c = server("c");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            runtime.apply(tcp("source", a, b, c), "r1");
            InetSocketAddress fe = runtime.boundAddresses("fe").get(0);
            String home = land(fe, "127.0.0.7");
            assertEquals(home, land(fe, "127.0.0.7"), "source hash: the same server each time");

            runtime.overrides().set("be", home, new ServerOverride(AdminState.MAINT, null, "disk swap", "test",
                    Instant.now(), null));
            String away = land(fe, "127.0.0.7");
            assertNotEquals(home, away, "a client whose server is in maintenance goes to its next best");
            assertEquals(away, land(fe, "127.0.0.7"));
            assertEquals("MAINT", serverRow(runtime, home).status());

            runtime.overrides().set("be", home, drain("still draining"));
            assertEquals(away, land(fe, "127.0.0.7"), "drained: the source hash does not send it new clients either");
            assertEquals("DRAIN", serverRow(runtime, home).status());

            runtime.overrides().clear("be", home);
            assertEquals(home, land(fe, "127.0.0.7"), "back home once ready");
        }
    }

    @Test
    void aWeightOverrideRebalancesRoundRobin() throws Exception {
        try (TestServer a = server("a"); TestServer b = server("b");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            runtime.apply(tcp("roundrobin", a, b), "r1");
            InetSocketAddress fe = runtime.boundAddresses("fe").get(0);
            runtime.overrides().set("be", "a", new ServerOverride(null, WeightOverride.parse("3"), "", "test",
                    Instant.now(), null));
            Map<String, Integer> count = new HashMap<>();
            for (int i = 0; i < 8; i++) {
                count.merge(land(fe, null), 1, Integer::sum);
            }
            assertEquals(Map.of("a", 6, "b", 2), count, "3:1 over two whole cycles");
            assertEquals(3, serverRow(runtime, "a").weight());

            runtime.overrides().set("be", "a", new ServerOverride(null, WeightOverride.parse("0%"), "", "test",
                    Instant.now(), null));
            for (int i = 0; i < 4; i++) {
                assertEquals("b", land(fe, null), "weight 0: no traffic");
            }
        }
    }

    @Test
    void overridesLiveThroughSwapsAndAreDroppedWithTheirServer() throws Exception {
        try (TestServer a = server("a"); TestServer b = server("b"); TestServer c = server("c");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            List<ServerOverrides.Dropped> dropped = new CopyOnWriteArrayList<>();
            runtime.overrides().onDropped(dropped::addAll);
            assertTrue(assertThrows(UnknownServerException.class,
                    () -> runtime.overrides().set("be", "a", drain(""))).getMessage().contains("nothing serves yet"));
            runtime.apply(tcp("roundrobin", a, b), "r1");
            assertTrue(assertThrows(UnknownServerException.class, () -> runtime.overrides().set("nope", "a", drain("")))
                    .getMessage().startsWith("no backend 'nope' in the serving config"));
            assertTrue(assertThrows(UnknownServerException.class, () -> runtime.overrides().set("be", "zz", drain("")))
                    .getMessage().startsWith("no server 'zz' in backend 'be' (servers: a, b)"));
            runtime.overrides().set("be", "a", drain("upgrade"));

            runtime.apply(tcp("roundrobin", a, b, c), "r2: c added");
            InetSocketAddress fe = runtime.boundAddresses("fe").get(0);
            for (int i = 0; i < 6; i++) {
                assertNotEquals("a", land(fe, null), "the drain outlives the swap");
            }
            assertEquals(List.of(), dropped);

            runtime.apply(tcp("roundrobin", b, c), "r3: a removed");
            assertEquals(1, dropped.size());
            assertEquals("be", dropped.get(0).backend());
            assertEquals("a", dropped.get(0).server());
            assertEquals("r3: a removed", dropped.get(0).revision());
            assertEquals("upgrade", dropped.get(0).override().reason());
            assertEquals(List.of(), runtime.overrides().overrides());

            runtime.apply(tcp("roundrobin", a, b, c), "r4: a back");
            List<String> landed = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                landed.add(land(fe, null));
            }
            assertTrue(landed.contains("a"), "a server that comes back starts as git says: " + landed);
        }
    }

    /** Keep-alive HTTP: each request is balanced, so a drained server gets no next request of a connection it served. */
    @Test
    void keepAliveRequestsLeaveADrainedServer() throws Exception {
        try (HttpNamer a = new HttpNamer("a"); HttpNamer b = new HttpNamer("b");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            runtime.apply(yaml("""
                    version: 1
                    defaults: { mode: http, retries: 0, timeout: { connect: 2s, client: 30s, server: 30s } }
                    frontends: [ { name: fe, bind: ["127.0.0.1:0"], default_backend: be } ]
                    backends:
                      - name: be
                        servers:
                          - { name: a, address: "%s" }
                          - { name: b, address: "%s" }
                    """.formatted(a.address(), b.address())), "r1");
            try (Socket client = Clients.connect(runtime.boundAddresses("fe").get(0))) {
                List<String> before = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    before.add(get(client));
                }
                assertTrue(before.contains("a") && before.contains("b"), before.toString());
                runtime.overrides().set("be", "a", drain("deploy"));
                for (int i = 0; i < 6; i++) {
                    assertEquals("b", get(client), "request " + i + " on the same client connection");
                }
            }
        }
    }

    private static String get(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String status = Clients.readLine(in);
        assertTrue(status.startsWith("HTTP/1.1 200"), status);
        int length = 0;
        for (String h = Clients.readLine(in); !h.equals("\r") && !h.isEmpty(); h = Clients.readLine(in)) {
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** A keep-alive HTTP/1.1 server that answers every request with its name. */
    private static final class HttpNamer implements AutoCloseable {
        private final ServerSocket socket;

        HttpNamer(String name) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        Thread conn = new Thread(() -> serve(c, name));
                        conn.setDaemon(true);
                        conn.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private static void serve(Socket c, String name) {
            try (c) {
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                while (true) {
                    String line;
                    do {
                        line = Clients.readLine(in);
                    } while (!line.equals("\r") && !line.isEmpty());
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + name.length() + "\r\n\r\n" + name)
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                // client gone
            }
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static StatsReport report(ProxyRuntime runtime) {
        return StatsReports.of(runtime, "lb1", "test").get();
    }

    private static StatsRow serverRow(ProxyRuntime runtime, String name) {
        return report(runtime).proxies().stream().flatMap(p -> p.servers().stream())
                .filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
