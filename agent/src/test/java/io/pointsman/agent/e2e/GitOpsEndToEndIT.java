package io.pointsman.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.pointsman.agent.demo.DemoBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitOps loop as a user lives it, against the real jar, a bare repo and the real
 * git CLI: push → applied; bad commit → refused, traffic untouched; git revert →
 * applied; POST /sync → live at once with a 60 s poll; restart with the remote gone →
 * the last good commit serves; secrets never in /status, /config or the log.
 */
class GitOpsEndToEndIT {
    private static final String SECRET = "pm-e2e-s3cret-value";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> started = new ArrayList<>();
    private EventLoopGroup group;
    private DemoBackend web1;
    private DemoBackend web2;
    private Path central;
    private Path work;
    private int proxyPort;
    private int statusPort;
    private int statsPort;
    private Path log;

    @BeforeEach
    void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        web1 = DemoBackend.start("web1", new InetSocketAddress("127.0.0.1", 0), group);
        web2 = DemoBackend.start("web2", new InetSocketAddress("127.0.0.1", 0), group);
        proxyPort = freePort();
        statusPort = freePort();
        statsPort = freePort();
        central = tmp.resolve("central.git");
        work = tmp.resolve("work");
        git(tmp, "init", "-q", "--bare", "-b", "main", central.toString());
        git(tmp, "clone", "-q", central.toString(), work.toString());
        git(work, "config", "user.email", "e2e@test.invalid");
        git(work, "config", "user.name", "e2e");
        writeConfig("web1", web1.address().getPort(), "");
        commitAndPush("farm on web1");
        log = tmp.resolve("pointsman.log");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (log != null && Files.exists(log)) {
            // Into the test's output file (failsafe-reports), for whoever reads a failure.
            List<String> lines = Files.readAllLines(log);
            System.out.println("--- node log (last 60 lines)");
            lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
        }
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        web1.close();
        web2.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void pushBreakRevertRestart() throws Exception {
        Process node = startNode();
        await("node serves", () -> get("/healthz").statusCode() == 200);
        assertTrue(proxied("/a").startsWith("Hello from web1"), "first commit serves web1");
        String first = head();
        // The proxy serves as soon as it is swapped; the revision is recorded right after.
        await("first commit recorded", () -> ("main@sha1:" + first).equals(status().path("lastAppliedRevision").asText()));

        // A bad commit: refused, the proxy keeps serving the last good one.
        Files.writeString(work.resolve("proxy.yaml"), Files.readString(work.resolve("proxy.yaml"))
                .replace("default_backend: farm", "default_backend: frm"));
        commitAndPush("typo");
        String bad = head();
        post("/sync");
        await("typo refused", () -> "ValidationFailed".equals(status().path("reason").asText()));
        JsonNode s = status();
        assertFalse(s.path("ready").asBoolean());
        assertEquals("main@sha1:" + bad, s.path("lastAttemptedRevision").asText());
        assertEquals("main@sha1:" + first, s.path("lastAppliedRevision").asText());
        assertTrue(s.path("message").asText().contains("proxy.yaml:"), s.toString());
        assertTrue(s.path("message").asText().contains("no backend named 'frm'"), s.toString());
        assertEquals(200, get("/healthz").statusCode(), "a refused commit must not fail /healthz (Keepalived)");
        assertTrue(proxied("/b").startsWith("Hello from web1"), "traffic untouched by the refused commit");

        // git revert: applied like any commit.
        git(work, "revert", "--no-edit", "HEAD");
        git(work, "push", "-q", "origin", "main");
        String reverted = head();
        post("/sync");
        await("revert applied", () -> ("main@sha1:" + reverted).equals(status().path("lastAppliedRevision").asText()));
        assertTrue(status().path("ready").asBoolean());

        // A real change, live within a second of POST /sync although the poll is 60 s.
        writeConfig("web2", web2.address().getPort(), "");
        commitAndPush("farm moves to web2");
        String moved = head();
        long t0 = System.nanoTime();
        post("/sync");
        await("move applied", () -> ("main@sha1:" + moved).equals(status().path("lastAppliedRevision").asText()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("POST /sync to applied: " + ms + " ms");
        assertTrue(proxied("/c").startsWith("Hello from web2"));

        // The stats page: basic auth with the secret password, HAProxy-like HTML, metrics.
        HttpResponse<String> noAuth = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noAuth.statusCode());
        String basic = java.util.Base64.getEncoder().encodeToString(("admin:" + SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats"))
                .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("farm") && page.body().contains(moved.substring(0, 7)), page.body());
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("pointsman_generation_info"), "proxy metrics on the agent's /metrics");
        assertEquals("", promtool(metrics), "promtool check metrics on the agent's /metrics:\n" + metrics);

        // Secrets: resolved on the node, never shown.
        for (String path : List.of("/status", "/config", "/metrics")) {
            assertFalse(get(path).body().contains(SECRET), path + " leaks the secret");
        }
        assertTrue(get("/config").body().contains("<redacted>"), get("/config").body());

        // Restart with the remote gone: the last good commit serves before any fetch.
        node.destroy();
        assertTrue(node.waitFor(20, TimeUnit.SECONDS));
        Files.move(central, tmp.resolve("central-gone.git"));
        startNode();
        await("node serves after restart without remote", () -> get("/healthz").statusCode() == 200);
        // state.json is written before the status shows it; wait for it rather than race it.
        await("last good shown after restart", () -> ("main@sha1:" + moved).equals(status().path("lastAppliedRevision").asText()));
        assertTrue(proxied("/d").startsWith("Hello from web2"));
        await("fetch failure reported", () -> "FetchFailed".equals(status().path("reason").asText()));
        assertFalse(Files.readString(log).contains(SECRET), "the log leaks the secret");
    }

    // ------------------------------------------------------------------ helpers

    private Process startNode() throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JarSmokeIT.jar().toString(), "run", "--repo", central.toString(), "--node", "lb1",
                "--state-dir", tmp.resolve("state").toString(), "--poll", "60s",
                "--status-bind", "127.0.0.1:" + statusPort);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("PM_STATS_PASSWORD", SECRET);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private void writeConfig(String server, int port, String extra) throws IOException {
        Files.writeString(work.resolve("proxy.yaml"), """
                version: 1
                stats:
                  bind: "127.0.0.1:%d"
                  auth: { user: admin, password: "${env:PM_STATS_PASSWORD}" }
                frontends:
                  - name: web
                    mode: tcp
                    bind: ["127.0.0.1:%d"]
                    default_backend: farm
                backends:
                  - name: farm
                    mode: tcp
                    servers:
                      - { name: %s, address: "127.0.0.1:%d" }
                %s""".formatted(statsPort, proxyPort, server, port, extra));
        Files.createDirectories(work.resolve("tests"));
        Files.writeString(work.resolve("tests/routes.yaml"), "- {frontend: web, expect_backend: farm}\n");
    }

    private void commitAndPush(String message) throws Exception {
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", message);
        git(work, "push", "-q", "origin", "main");
    }

    private String head() throws Exception {
        return git(work, "rev-parse", "HEAD").trim();
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "git " + String.join(" ", args) + ": " + out);
        return out;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void post(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + path))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(get("/status").body());
    }

    /**
     * One request through the proxy on a fresh connection (HTTP/1.0, closed after). A
     * pooled client would reuse a connection, which stays pinned to the generation it
     * was accepted under: exactly what a swap must not disturb, and not what we ask here.
     */
    private String proxied(String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", proxyPort), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: e2e\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? response : response.substring(body + 4);
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for: " + what + (last != null ? " (last error: " + last + ")" : "")
                + "\n--- log:\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Prometheus' linter on a /metrics text: "" when clean (Debian package prometheus, installed by ./test). */
    private static String promtool(String metrics) throws Exception {
        java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool is not installed");
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        return p.exitValue() == 0 && out.isBlank() ? "" : "exit " + p.exitValue() + ": " + out;
    }
}
