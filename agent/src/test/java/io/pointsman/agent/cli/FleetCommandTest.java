package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.fleet.FleetFile;
import io.pointsman.agent.fleet.FleetQuery;
import io.pointsman.agent.fleet.FleetView;
import io.pointsman.agent.node.PointsmanNode;
import io.pointsman.agent.preview.Checkout;
import io.pointsman.agent.sync.Await;
import io.pointsman.agent.sync.CentralRepo;
import io.pointsman.agent.sync.SyncReason;
import io.pointsman.proxy.config.load.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pointsman fleet} against real nodes on loopback (git, sync engine, proxy, status
 * listener, in-process), a node that refuses connections and one that never answers, and a
 * real checkout of the config repo.
 */
class FleetCommandTest {
    @TempDir
    Path tmp;

    private final List<PointsmanNode> nodes = new ArrayList<>();
    private final List<Socket> held = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        nodes.forEach(PointsmanNode::close);
        for (Socket s : held) {
            s.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private PointsmanNode start(CentralRepo central, String name, int statusPort) throws Exception {
        PointsmanNode n = PointsmanNode.start(new PointsmanNode.Options(central.url(), "main", name, tmp.resolve(name),
                Duration.ofSeconds(60), new InetSocketAddress("127.0.0.1", statusPort), null, null, 1, Duration.ofSeconds(10)));
        nodes.add(n);
        return n;
    }

    private static void awaitApplied(PointsmanNode n, String commit) {
        Await.until("apply of " + commit, Duration.ofSeconds(20),
                () -> ("main@sha1:" + commit).equals(n.engine().status().lastAppliedRevision()),
                () -> n.engine().status().message());
    }

    @Test
    void everyNodeAtAGlanceWithWavesLagAndTheUnreachable() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("central"));
        int s1 = freePort();
        int s2 = freePort();
        int dead = freePort();
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    held.add(silent.accept()); // answers nothing
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            central.write("fleet.yaml", """
                    branch: main
                    nodes:
                      - { name: lb1, status_url: "http://127.0.0.1:%d" }
                      - { name: lb2, status_url: "http://127.0.0.1:%d/" }
                      - { name: lb3, status_url: "http://127.0.0.1:%d" }
                      - { name: lb4, status_url: "http://127.0.0.1:%d" }
                    """.formatted(s1, s2, dead, silent.getLocalPort()));
            central.write("hosts/lb1.yaml", "sync: { apply_delay: 1h }\nlistens:\n  - { name: tcp, bind: [\"127.0.0.1:"
                    + freePort() + "\"] }\n");
            central.write("hosts/lb2.yaml", "listens:\n  - { name: tcp, bind: [\"127.0.0.1:" + freePort() + "\"] }\n");
            String c1 = central.push("proxy.yaml", config(1000), "c1");
            PointsmanNode lb1 = start(central, "lb1", s1);
            PointsmanNode lb2 = start(central, "lb2", s2);
            awaitApplied(lb1, c1);
            awaitApplied(lb2, c1);

            String c2 = central.push("proxy.yaml", config(2000), "c2");
            lb1.engine().requestSync("test");
            lb2.engine().requestSync("test");
            awaitApplied(lb2, c2);
            Await.until("lb1 holds c2 back", Duration.ofSeconds(20),
                    () -> lb1.engine().status().reason() == SyncReason.Waiting);

            Path checkout = tmp.resolve("checkout");
            CentralRepo.git(tmp, "clone", "-q", central.bare().toString(), checkout.toString());

            CliRun r = CliRun.of("fleet", checkout.toString(), "--timeout", "1s");
            assertEquals(1, r.exitCode(), r.err() + r.out());
            String out = r.out();
            assertTrue(out.startsWith("branch main at " + c2.substring(0, 7) + " (origin/main)\n"), out);
            assertTrue(out.matches("(?s).*\nlb1 +yes +Waiting +main@" + c1.substring(0, 7) + " +1 \\(\\d+s\\) +1h +- *\n.*"), out);
            assertTrue(out.matches("(?s).*\nlb2 +yes +Applied +main@" + c2.substring(0, 7) + " +0 +0 +- *\n.*"), out);
            assertTrue(out.contains("\nlb3   "), out);
            assertTrue(out.contains("lb3: unreachable: ConnectException: connection refused"), out);
            assertTrue(out.contains("lb4: unreachable: no answer within 1000 ms")
                    || out.contains("lb4: unreachable: HttpTimeoutException"), out);

            CliRun j = CliRun.of("fleet", checkout.toString(), "--timeout", "1s", "--json");
            JsonNode json = new ObjectMapper().readTree(j.out());
            assertEquals(false, json.get("ok").asBoolean());
            assertEquals(c2, json.get("head").asText());
            JsonNode first = json.at("/nodes/0");
            assertEquals("lb1", first.get("name").asText());
            assertEquals(1, first.get("behind").asInt());
            assertEquals(3600, first.get("applyDelaySeconds").asInt());
            assertEquals("main@sha1:" + c1, first.get("lastAppliedRevision").asText());
            assertEquals(false, json.at("/nodes/2/reachable").asBoolean());

            // Only the nodes that answer: ready, and the lag decides.
            String[] live = {"fleet", checkout.toString(), "--node", "lb1=http://127.0.0.1:" + s1, "--node",
                "lb2=http://127.0.0.1:" + s2};
            assertEquals(0, CliRun.of(live).exitCode(), CliRun.of(live).out());
            CliRun strict = CliRun.of(concat(live, "--max-lag", "0"));
            assertEquals(1, strict.exitCode(), strict.out());
            assertTrue(strict.out().contains("lb1: 1 commits behind (max 0 commits)"), strict.out());
            assertEquals(0, CliRun.of(concat(live, "--max-lag", "1")).exitCode());
            assertEquals(0, CliRun.of(concat(live, "--max-lag", "1h")).exitCode());

            // The same lag measured in time: two hours from now c2 has been waiting too long.
            try (Checkout c = Checkout.find(checkout)) {
                List<FleetQuery.Answer> answers = FleetQuery.ask(List.of(new FleetFile.Node("lb1",
                        "http://127.0.0.1:" + s1, null)), Duration.ofSeconds(2), Map.of());
                FleetView later = FleetView.of("main", "origin/main", c.resolve("origin/main"), answers, c,
                        c.read(c.resolve("origin/main")), FleetView.MaxLag.parse("1h"), Instant.now().plusSeconds(7200));
                assertEquals(List.of(), later.rows().get(0).findings().stream()
                        .filter(f -> !f.startsWith("behind for 2h")).toList(), later.text());
                assertTrue(later.rows().get(0).findings().get(0).startsWith("behind for 2h"), later.text());
            }
        }
    }

    @Test
    void fleetYamlIsValidatedWithLines() throws Exception {
        Path dir = tmp.resolve("repo");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("proxy.yaml"), config(10));
        Files.writeString(dir.resolve("fleet.yaml"), """
                nodes:
                  - { name: lb1, status_url: "http://lb1:9900", token_env: "not a name" }
                  - { name: lb1, status_url: "ftp://lb2" }
                  - { status_url: "http://user:pw@lb3:9900", port: 1 }
                """);
        CliRun v = CliRun.of("validate", dir.toString());
        assertEquals(1, v.exitCode(), v.out());
        assertEquals("""
                fleet.yaml:2: nodes[0].token_env: not an environment variable name: 'not a name' (the token itself never goes in git)
                fleet.yaml:3: nodes[1].name: duplicate node name 'lb1' (first at nodes[0])
                fleet.yaml:3: nodes[1].status_url: 'ftp://lb2' is not an http:// or https:// URL
                fleet.yaml:4: nodes[2].name: required: the node's name (its --node, its hosts/<name>.yaml)
                fleet.yaml:4: nodes[2].port: unknown key 'port' (known keys: name, status_url, token_env)
                fleet.yaml:4: nodes[2].status_url: no credentials in the URL (it is in git): use token_env
                """, v.err());
        CliRun f = CliRun.of("fleet", dir.toString());
        assertEquals(2, f.exitCode());
        CliRun none = CliRun.of("fleet", tmp.toString());
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("no fleet.yaml in"), none.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String config(int maxconn) {
        return """
                version: 1
                global: { maxconn: %d }
                listens:
                  - name: tcp
                    mode: tcp
                    bind: ["127.0.0.1:8080"]
                    servers: [ { name: s1, address: "127.0.0.1:9" } ]
                """.formatted(maxconn);
    }
}
