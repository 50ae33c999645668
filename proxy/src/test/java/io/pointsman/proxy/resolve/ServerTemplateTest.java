package io.pointsman.proxy.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveServer;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.statspage.StatsListener;
import io.pointsman.proxy.statspage.StatsReports;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Dnsmasq;
import io.pointsman.proxy.testing.YamlConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code server_template} filled by a real DNS server (dnsmasq on loopback) whose A and SRV
 * records the test changes: one server per address or SRV record, slots the answer leaves
 * free in {@code MAINT (resolution)}, a server keeping its slot (and so its counters and
 * health) while its address stays in the answer, changes reaching new connections without
 * a commit, SRV ports and weights, hold_valid when DNS stops answering.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServerTemplateTest {

    /** Says its name to every connection, then closes it; listens on one loopback address. */
    private static final class NameServer implements AutoCloseable {
        final ServerSocket socket;

        NameServer(String ip, int port, String name) throws IOException {
            socket = new ServerSocket(port, 50, InetAddress.getByName(ip));
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed
                    }
                }
            }, "pmlg2-name-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Connects through the proxy and reads what the server said ("" when the proxy closed without a server). */
    private static String through(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Who answered {@code n} connections, counted. */
    private static Map<String, Integer> answers(int port, int n) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            out.merge(through(port), 1, Integer::sum);
        }
        return out;
    }

    /** The stats page's CSV rows of backend {@code backend}: server name → the named column. */
    private static Map<String, String> csv(StatsListener stats, String backend, String column) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + stats.localAddress().getPort() + "/stats;csv")).build(), HttpResponse.BodyHandlers.ofString()).body();
        List<String> lines = body.lines().toList();
        List<String> cols = Arrays.asList(lines.get(0).substring(2).split(",", -1));
        Map<String, String> out = new HashMap<>();
        for (String l : lines) {
            String[] f = l.split(",", -1);
            if (f[0].equals(backend) && !f[1].equals("BACKEND") && !f[1].equals("FRONTEND")) {
                out.put(f[1], f[cols.indexOf(column)]);
            }
        }
        return out;
    }

    @Test
    void addressesFillSlotsThatKeepTheirServerWhileItStaysInTheAnswer() throws Exception {
        int serverPort = Clients.freePort();
        try (Dnsmasq dns = Dnsmasq.launch();
             NameServer a = new NameServer("127.0.0.2", serverPort, "A");
             NameServer b = new NameServer("127.0.0.3", serverPort, "B");
             NameServer c = new NameServer("127.0.0.4", serverPort, "C");
             NameServer d = new NameServer("127.0.0.5", serverPort, "D");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start();
             StatsListener stats = StatsListener.start(new Stats(new HostPort("127.0.0.1", 0), "/stats", null, null),
                     StatsReports.of(runtime, "node", "test"))) {
            dns.hosts("127.0.0.2 web.pmtest", "127.0.0.3 web.pmtest");
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      resolvers: { nameservers: ["127.0.0.1:%d"], interval: 1h, hold_valid: 2s }
                    listens:
                      - name: web
                        mode: tcp
                        bind: ["127.0.0.1:%d"]
                        check: { interval: 200ms }
                        server_template: { prefix: web, count: 3, address: "web.pmtest:%d", check: true }
                    """.formatted(dns.port(), port, serverPort);
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            LiveBackend web = runtime.current().backend("web");
            assertEquals(List.of("web1", "web2", "web3"), web.servers().stream().map(LiveServer::name).toList());
            TemplateSlots slots = runtime.addresses().template("web/web.pmtest:" + serverPort + "#3");
            assertEquals(Arrays.asList("127.0.0.2", "127.0.0.3", null), slots.occupants());
            Clients.await("checks of the filled slots pass", 10_000, () -> {
                var h = runtime.health().state("web", web.server("web1").configuredAddress().toString());
                return h != null && h.snapshot().lastCheck() != null && runtime.health()
                        .state("web", web.server("web2").configuredAddress().toString()).snapshot().lastCheck() != null;
            });
            assertEquals(Map.of("A", 5, "B", 5), answers(port, 10));
            Map<String, String> status = csv(stats, "web", "status");
            assertEquals("MAINT (resolution)", status.get("web3"), "a slot the answer leaves free: " + status);
            assertTrue(status.get("web1").equals("UP") && status.get("web2").equals("UP"), "" + status);
            assertEquals(null, runtime.health().state("web", web.server("web3").configuredAddress().toString())
                    .snapshot().lastCheck(), "an empty slot is not checked");

            // 127.0.0.2 leaves the answer, two arrive: web2 keeps 127.0.0.3, the newcomers fill web1 and web3.
            LiveServer web2 = web.server("web2");
            long web2Sessions = runtime.stats().snapshot().servers().get(web2.key()).total();
            dns.hosts("127.0.0.3 web.pmtest", "127.0.0.4 web.pmtest", "127.0.0.5 web.pmtest");
            runtime.addresses().resolveNow();
            assertEquals(List.of("127.0.0.4", "127.0.0.3", "127.0.0.5"), slots.occupants());
            assertEquals(Map.of("B", 4, "C", 4, "D", 4), answers(port, 12), "new connections, no commit");
            assertEquals(1, runtime.current().number(), "the same generation serves");
            assertSame(web2, runtime.current().backend("web").server("web2"));
            assertEquals(web2Sessions + 4, runtime.stats().snapshot().servers().get(web2.key()).total(),
                    "web2's counters went on: it kept its slot");

            // An answer with fewer addresses: freed slots are in maintenance, the rest serve.
            dns.hosts("127.0.0.5 web.pmtest");
            runtime.addresses().resolveNow();
            assertEquals(Arrays.asList(null, null, "127.0.0.5"), slots.occupants());
            assertEquals(Map.of("D", 6), answers(port, 6));
            status = csv(stats, "web", "status");
            assertEquals("MAINT (resolution)", status.get("web1"), "" + status);
            assertEquals("MAINT (resolution)", status.get("web2"), "" + status);

            // DNS stops answering: the last addresses are kept for hold_valid, then nobody serves.
            dns.stop();
            runtime.addresses().resolveNow();
            assertEquals("D", through(port), "kept for hold_valid");
            Clients.await("past hold_valid the template's servers are DOWN", 10_000, () -> through(port).isEmpty());
            assertEquals("MAINT (resolution)", csv(stats, "web", "status").get("web3"));
            dns.start();
            runtime.addresses().resolveNow();
            assertEquals("D", through(port), "resolution works again");
        }
    }

    @Test
    void srvRecordsGiveEachServerItsTargetPortAndWeight() throws Exception {
        try (NameServer a = new NameServer("127.0.0.2", 0, "A");
             NameServer b = new NameServer("127.0.0.3", 0, "B");
             NameServer c = new NameServer("127.0.0.4", 0, "C");
             Dnsmasq dns = Dnsmasq.launch("_app._tcp.svc.pmtest,a.pmtest," + a.port() + ",0,10",
                     "_app._tcp.svc.pmtest,b.pmtest," + b.port() + ",0,512");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start();
             StatsListener stats = StatsListener.start(new Stats(new HostPort("127.0.0.1", 0), "/stats", null, null),
                     StatsReports.of(runtime, "node", "test"))) {
            dns.hosts("127.0.0.2 a.pmtest", "127.0.0.3 b.pmtest", "127.0.0.4 c.pmtest");
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      resolvers: { nameservers: ["127.0.0.1:%d"], interval: 1h }
                    listens:
                      - name: app
                        mode: tcp
                        bind: ["127.0.0.1:%d"]
                        server_template: { prefix: app, count: 3, address: "_app._tcp.svc.pmtest" }
                    """.formatted(dns.port(), port);
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            TemplateSlots slots = runtime.addresses().template("app/_app._tcp.svc.pmtest#3");
            // The heavier record first (priority, then weight); each server at its record's port.
            assertEquals(Arrays.asList("b.pmtest:" + b.port(), "a.pmtest:" + a.port(), null), slots.occupants());
            LiveBackend app = runtime.current().backend("app");
            assertEquals(List.of(2, 1), List.of(app.server("app1").weight(), app.server("app2").weight()),
                    "SRV weights 512 and 10 as HAProxy maps them: (w + 255) / 256");
            assertEquals(Map.of("app1", "2", "app2", "1", "app3", "1"), csv(stats, "app", "weight"));
            assertEquals(Map.of("A", 10, "B", 20), answers(port, 30), "balanced by the records' weights");

            // a leaves, c arrives; b's weight changes: b keeps app1, c takes a's slot, the cycle follows the weights.
            dns.srv("_app._tcp.svc.pmtest,b.pmtest," + b.port() + ",0,256",
                    "_app._tcp.svc.pmtest,c.pmtest," + c.port() + ",0,1024");
            runtime.addresses().resolveNow();
            assertEquals(Arrays.asList("b.pmtest:" + b.port(), "c.pmtest:" + c.port(), null), slots.occupants());
            Clients.await("the weights reach the balancer", 10_000,
                    () -> app.server("app1").weight() == 1 && app.server("app2").weight() == 4);
            Clients.await("roundrobin follows the new weights", 10_000, () -> answers(port, 25)
                    .equals(Map.of("B", 5, "C", 20)));
        }
    }

    @Test
    void aTemplateNameThatDoesNotResolveRefusesTheApplyButNotValidate() throws Exception {
        try (Dnsmasq dns = Dnsmasq.launch();
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            String yaml = """
                    version: 1
                    global:
                      resolvers: { nameservers: ["127.0.0.1:%d"] }
                    listens:
                      - name: web
                        mode: tcp
                        bind: ["127.0.0.1:%d"]
                        server_template: { prefix: w, count: 2, address: "missing.pmtest:80" }
                    """.formatted(dns.port(), Clients.freePort());
            ConfigLoader.load(new ConfigFiles(Map.of(ConfigFiles.PROXY_YAML, yaml)), "lb1", SecretSource.of(Map.of()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> runtime.apply(YamlConfigs.load(yaml), "r1"));
            assertTrue(e.getMessage().contains("server_template web/missing.pmtest: cannot resolve missing.pmtest"),
                    e.getMessage());
            assertEquals(null, runtime.current(), "nothing was applied");
        }
    }

    @Test
    void slotsKeepTheirOccupantsAcrossOtherChangesButCountIsANewTemplate() throws Exception {
        int serverPort = Clients.freePort();
        try (Dnsmasq dns = Dnsmasq.launch();
             NameServer a = new NameServer("127.0.0.2", serverPort, "A");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            dns.hosts("127.0.0.2 web.pmtest");
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      resolvers: { nameservers: ["127.0.0.1:%d"], interval: 1h }
                    listens:
                      - name: web
                        mode: tcp
                        bind: ["127.0.0.1:%d"]
                        retries: %d
                        server_template: { prefix: web, count: 2, address: "web.pmtest:%d" }
                    """;
            assertInstanceOf(ApplyResult.Applied.class,
                    runtime.apply(YamlConfigs.load(yaml.formatted(dns.port(), port, 1, serverPort)), "r1"));
            TemplateSlots first = runtime.addresses().template("web/web.pmtest:" + serverPort + "#2");
            assertInstanceOf(ApplyResult.Applied.class,
                    runtime.apply(YamlConfigs.load(yaml.formatted(dns.port(), port, 2, serverPort)), "r2"));
            assertSame(first, runtime.addresses().template("web/web.pmtest:" + serverPort + "#2"),
                    "a swap that leaves the template alone keeps its slots");
            assertEquals("A", through(port));
            List<String> names = new ArrayList<>();
            runtime.current().backend("web").servers().forEach(s -> names.add(s.name()));
            assertEquals(List.of("web1", "web2"), names);
        }
    }
}
