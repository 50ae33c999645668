package io.pointsman.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.bgp.RealBird;
import io.pointsman.agent.sync.Await;
import io.pointsman.agent.sync.CentralRepo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole node (git sync, status API, proxy) with a bgp section and a real BIRD: what
 * {@code /status} and {@code /metrics} show, suspension by {@code POST /suspend} and by
 * {@code sync.suspend} in a commit, and a planned stop that withdraws, drains, then closes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BgpNodeTest {
    private static final String VIP = "198.18.100.1/32";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void statusSuspendResumeAndAPlannedStop() throws Exception {
        assumeTrue(RealBird.missing() == null, RealBird.missing());
        Path birdDir = Files.createDirectories(dir.resolve("bird"));
        try (ServerSocket server = greeter(); RealBird bird = new RealBird(birdDir, "").start()) {
            int port = freePort();
            CentralRepo central = CentralRepo.create(dir.resolve("remote"));
            central.write("proxy.yaml", """
                    version: 1
                    global: { threads: 1 }
                    listens:
                      - { name: app, mode: tcp, bind: ["127.0.0.1:%d"], servers: [ { name: s, address: "127.0.0.1:%d" } ] }
                    bgp:
                      announce: ["%s"]
                      drain: 2s
                    """.formatted(port, server.getLocalPort(), VIP));
            String hostFile = "bgp:\n  config_path: %s\n  control_socket: %s\n".formatted(bird.include, bird.socket);
            central.write("hosts/lb1.yaml", hostFile);
            central.commitAndPush("one node, one VIP");

            PointsmanNode node = PointsmanNode.start(new PointsmanNode.Options(central.url(), "main", "lb1",
                    dir.resolve("state"), Duration.ofSeconds(60), new InetSocketAddress("127.0.0.1", 0), null, null, 1,
                    Duration.ofSeconds(10)));
            boolean closed = false;
            try {
                String base = node.status().baseUrl();
                awaitRoutes(bird, List.of(VIP));
                JsonNode bgp = json(get(base + "/status")).get("bgp");
                assertEquals(VIP, bgp.get("announced").get(0).asText(), bgp.toString());
                assertTrue(bgp.get("birdReconfigured").asBoolean(), bgp.toString());
                assertTrue(bgp.get("crashGuardPid").isNumber(), bgp.toString());
                assertEquals("one", greeting(port));

                assertEquals(200, post(base + "/suspend?reason=maintenance").statusCode());
                awaitRoutes(bird, List.of());
                assertEquals("suspended", json(get(base + "/status")).get("bgp").get("withdrawnBecause").asText());
                assertEquals("one", greeting(port), "suspended: out of BGP, still serving what reaches it");
                assertEquals(200, post(base + "/resume").statusCode());
                awaitRoutes(bird, List.of(VIP));

                central.push("hosts/lb1.yaml", hostFile + "sync: { suspend: true }\n", "lb1: suspend");
                post(base + "/sync");
                awaitRoutes(bird, List.of());
                central.push("hosts/lb1.yaml", hostFile, "lb1: back");
                post(base + "/sync");
                awaitRoutes(bird, List.of(VIP));

                String metrics = get(base + "/metrics");
                assertTrue(metrics.contains("pointsman_bgp_announced{prefix=\"" + VIP + "\"} 1\n"), metrics);
                assertTrue(metrics.contains("pointsman_bgp_announcements_total 3\n"), metrics);
                assertTrue(metrics.contains("pointsman_bgp_withdrawals_total{reason=\"suspended\"} 2\n"), metrics);

                // A planned stop: withdrawn at once, the listener still serves during the drain.
                long t0 = System.nanoTime();
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(node::close);
                closed = true;
                awaitRoutes(bird, List.of());
                assertEquals("one", greeting(port), "draining: connections are still served");
                stopping.get(30, TimeUnit.SECONDS);
                assertTrue(System.nanoTime() - t0 >= TimeUnit.SECONDS.toNanos(2), "close waited for the drain");
                assertTrue(refused(port), "after the drain the listener is closed");
            } finally {
                if (!closed) {
                    node.close();
                }
            }
        }
    }

    private static void awaitRoutes(RealBird bird, List<String> routes) {
        Await.until("BIRD's routes to be " + routes, Duration.ofSeconds(15), () -> bird.routes().equals(routes),
                () -> bird.routes() + "\n" + bird.log());
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> post(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String body) throws IOException {
        return new ObjectMapper().readTree(body);
    }

    private static ServerSocket greeter() throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.getOutputStream().write("one\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private static String greeting(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5000);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
