package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.statspage.StatsListener;
import io.pointsman.proxy.statspage.StatsReports;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.YamlConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code slowstart} as HAProxy does it: a server back UP from DOWN has an effective weight
 * of weight × ramp (in 1/256ths, so weight 1 ramps too) that every algorithm balances by,
 * and a maxconn from 1 up; its ramp grows linearly over the period; the stats page shows
 * the weight rounded up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowStartTest {

    /** A health view where the test says how far each server (by address) is into its slow start. */
    private static final class Ramps implements HealthView {
        final Map<String, Double> share = new ConcurrentHashMap<>();

        @Override
        public boolean isUp(String backend, HostPort address) {
            return true;
        }

        @Override
        public double rampUp(String backend, HostPort address, long slowstartNanos) {
            return share.getOrDefault(address.toString(), 1.0);
        }
    }

    private static LiveBackend backend(Ramps ramps, String balance, String maxconn) {
        return new GenerationCompiler(ramps, new io.pointsman.proxy.admin.ServerOverrides()).compile(YamlConfigs.load("""
                version: 1
                backends:
                  - name: web
                    balance: %s
                    slowstart: 1h
                    servers:
                      - { name: new, address: "127.0.0.1:9001"%s }
                      - { name: old, address: "127.0.0.1:9002" }
                """.formatted(balance, maxconn)), "r1", 1).backend("web");
    }

    /** Picks, each released at once (or all held), counted by server name. */
    private static Map<String, Integer> picks(LiveBackend web, int n, boolean hold, int clients) {
        Map<String, Integer> count = new HashMap<>();
        List<LiveServer> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] client = {10, 0, (byte) (i % clients / 256), (byte) (i % clients)};
            LiveServer s = web.acquire(client, x -> false);
            assertNotNull(s, "a pick");
            count.merge(s.name(), 1, Integer::sum);
            if (hold) {
                held.add(s);
            } else {
                s.release();
            }
        }
        held.forEach(LiveServer::release);
        return count;
    }

    @Test
    void everyAlgorithmBalancesByTheEffectiveWeight() {
        Ramps ramps = new Ramps();
        for (String balance : new String[] {"roundrobin", "leastconn", "random", "source"}) {
            LiveBackend web = backend(ramps, balance, "");
            ramps.share.put("127.0.0.1:9001", 0.1); // 1 + 25 = 26/256 of its weight
            assertTrue(web.updateRamps(), "a server still ramps");
            LiveServer fresh = web.server("new");
            assertEquals(26, fresh.ramp());
            assertEquals(26, fresh.effectiveWeight());
            assertEquals(1, fresh.weight(), "weight 1 ramps in 1/256ths but shows as 1, as HAProxy's stats do");
            // Weights 26:256 → 26/282 of the picks.
            Map<String, Integer> c = picks(web, 2820, balance.equals("leastconn"), 1000);
            int got = c.getOrDefault("new", 0);
            if (balance.equals("roundrobin")) {
                assertEquals(260, got, balance + ": " + c);
            } else {
                assertTrue(got > 150 && got < 400, balance + ": " + c);
            }
            ramps.share.put("127.0.0.1:9001", 1.0);
            assertTrue(web.updateRamps() == false, "nothing ramps any more");
            c = picks(web, 2820, balance.equals("leastconn"), 1000);
            got = c.getOrDefault("new", 0);
            assertTrue(got > 1200 && got < 1620, balance + " at full weight: " + c);
        }
    }

    @Test
    void maxconnRampsFromOneAndTheStatsWeightIsRoundedUp() {
        Ramps ramps = new Ramps();
        LiveBackend web = backend(ramps, "first", ", maxconn: 10, weight: 100");
        ramps.share.put("127.0.0.1:9001", 0.1);
        web.updateRamps();
        LiveServer fresh = web.server("new");
        assertEquals(11, fresh.weight(), "ceil(100 × 26 / 256)");
        // first fills servers in order: the one in slow start takes 10 × 26 / 256 → 1 connection.
        LiveServer a = web.acquire(new byte[] {10, 0, 0, 1}, x -> false);
        LiveServer b = web.acquire(new byte[] {10, 0, 0, 1}, x -> false);
        assertEquals(List.of("new", "old"), List.of(a.name(), b.name()));
        a.release();
        b.release();
        ramps.share.put("127.0.0.1:9001", 0.5); // 129/256: 5 connections
        web.updateRamps();
        List<String> names = new ArrayList<>();
        List<LiveServer> held = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            LiveServer s = web.acquire(new byte[] {10, 0, 0, 1}, x -> false);
            names.add(s.name());
            held.add(s);
        }
        held.forEach(LiveServer::release);
        assertEquals(List.of("new", "new", "new", "new", "new", "old", "old"), names);
        assertEquals(51, fresh.weight());
    }

    @Test
    void aServerBackFromARuntimeMaintSlowStartsAndARuntimeWeightRampsToo() throws Exception {
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start()) {
            String yaml = """
                    version: 1
                    backends:
                      - name: web
                        slowstart: 60s
                        servers: [{ name: a, address: "127.0.0.1:9001", weight: 100 }, { name: b, address: "127.0.0.1:9002" }]
                    """;
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            LiveServer a = runtime.current().backend("web").server("a");
            assertEquals(SlowStart.FULL, a.ramp(), "a fresh config serves at full weight");
            var now = java.time.Instant.now();
            runtime.overrides().set("web", "a", new io.pointsman.proxy.admin.ServerOverride(
                    io.pointsman.proxy.admin.AdminState.MAINT, null, "test", "test", now, null));
            assertEquals(SlowStart.FULL, a.ramp(), "in maintenance: no traffic, nothing ramps yet");
            runtime.overrides().set("web", "a", new io.pointsman.proxy.admin.ServerOverride(
                    io.pointsman.proxy.admin.AdminState.READY, io.pointsman.proxy.admin.WeightOverride.parse("50"),
                    "test", "test", now, null));
            Clients.await("back from MAINT it ramps", 10_000, () -> a.ramp() < SlowStart.FULL);
            assertTrue(a.weight() >= 1 && a.weight() < 10, "the runtime weight 50, ramped: " + a.weight());
            int r = a.ramp();
            int effective = a.effectiveWeight();
            assertTrue(effective == 50 * r || effective == 50 * a.ramp(), "the runtime weight times the ramp: " + effective);
        }
    }

    /** A check target on one loopback address: accepts and closes; stops and starts on the same port. */
    private static final class CheckTarget implements AutoCloseable {
        private final String host;
        private final int port;
        private volatile ServerSocket socket;

        CheckTarget(String host, int port) throws IOException {
            this.host = host;
            this.port = port;
            start();
        }

        void start() throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 50);
            socket = s;
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try (Socket c = s.accept()) {
                        c.getInputStream().available();
                    } catch (IOException closed) {
                        // stopped
                    }
                }
            }, "pmlg2-check-target");
            t.setDaemon(true);
            t.start();
        }

        void stop() throws IOException {
            socket.close();
        }

        @Override
        public void close() throws IOException {
            stop();
        }
    }

    /** Answers every request with its name; counts them. */
    private static final class NamedHttpServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger requests = new AtomicInteger();

        NamedHttpServer(String host, String name) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getByName(host));
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        Thread conn = new Thread(() -> serve(c, name), "pmlg2-named-conn");
                        conn.setDaemon(true);
                        conn.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "pmlg2-named-server");
            t.setDaemon(true);
            t.start();
        }

        private void serve(Socket c, String name) {
            try (c) {
                InputStream in = c.getInputStream();
                while (true) {
                    StringBuilder head = new StringBuilder();
                    int b;
                    while ((b = in.read()) >= 0) {
                        head.append((char) b);
                        if (head.toString().endsWith("\r\n\r\n")) {
                            break;
                        }
                    }
                    if (b < 0) {
                        return;
                    }
                    requests.incrementAndGet();
                    c.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + name.length() + "\r\n\r\n" + name)
                            .getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // client gone
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String csvWeight(StatsListener stats, String server) throws Exception {
        String csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + stats.localAddress().getPort() + "/stats;csv")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        List<String> lines = csv.lines().toList();
        List<String> cols = Arrays.asList(lines.get(0).substring(2).split(",", -1));
        for (String l : lines) {
            String[] f = l.split(",", -1);
            if (f[0].equals("web") && f[1].equals(server)) {
                return f[cols.indexOf("weight")];
            }
        }
        throw new AssertionError("no row for " + server + ": " + csv);
    }

    @Test
    void aServerBackFromDownRampsUpWithRealChecksAndTheStatsPageShowsIt() throws Exception {
        int port = Clients.freePort();
        int checkPort = Clients.freePort();
        try (NamedHttpServer ramping = new NamedHttpServer("127.0.0.2", "ramping");
             NamedHttpServer steady = new NamedHttpServer("127.0.0.3", "steady");
             CheckTarget rampingCheck = new CheckTarget("127.0.0.2", checkPort);
             CheckTarget steadyCheck = new CheckTarget("127.0.0.3", checkPort);
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start();
             StatsListener stats = StatsListener.start(new Stats(new HostPort("127.0.0.1", 0), "/stats", null, null),
                     StatsReports.of(runtime, "node", "test"))) {
            String yaml = """
                    version: 1
                    frontends:
                      - { name: fe, bind: ["127.0.0.1:%d"], default_backend: web }
                    backends:
                      - name: web
                        slowstart: 60s
                        check: { port: %d, interval: 100ms, rise: 1, fall: 1 }
                        servers:
                          - { name: ramping, address: "127.0.0.2:%d", weight: 100, check: true }
                          - { name: steady, address: "127.0.0.3:%d", weight: 100, check: true }
                    """.formatted(port, checkPort, ramping.port(), steady.port());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            LiveServer server = runtime.current().backend("web").server("ramping");
            Clients.await("both checked UP", 10_000, () -> runtime.health().states().size() == 2
                    && runtime.health().states().values().stream().allMatch(s -> s.snapshot().up()));
            assertEquals("100", csvWeight(stats, "ramping"), "a fresh config serves at full weight");

            rampingCheck.stop();
            Clients.await("ramping DOWN", 10_000, () -> !server.isUp());
            rampingCheck.start();
            Clients.await("ramping UP again", 10_000, server::isUp);
            Clients.await("its ramp set", 5_000, () -> server.ramp() < SlowStart.FULL);

            int before = server.ramp();
            int shown = Integer.parseInt(csvWeight(stats, "ramping"));
            assertTrue(shown >= 1 && shown < 20, "the stats page shows the effective weight: " + shown);
            assertEquals("100", csvWeight(stats, "steady"));
            try (Socket c = new Socket("127.0.0.1", port)) {
                c.setSoTimeout(10_000);
                InputStream in = c.getInputStream();
                for (int i = 0; i < 60; i++) {
                    c.getOutputStream().write("GET / HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String head = readResponse(in);
                    assertTrue(head.startsWith("HTTP/1.1 200"), head);
                }
            }
            assertEquals(60, ramping.requests.get() + steady.requests.get());
            assertTrue(ramping.requests.get() <= 8, "a few seconds into a 60 s slow start it gets a few requests: "
                    + ramping.requests.get() + " of 60");
            Clients.await("the ramp grows", 10_000, () -> server.ramp() > before);
        }
    }

    /** Reads one response with a Content-Length body; returns its head. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed: " + head);
            }
            head.append((char) b);
        }
        String h = head.toString();
        int at = h.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ");
        int len = Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)).trim());
        in.readNBytes(len);
        return h;
    }
}
