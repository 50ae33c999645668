package io.pointsman.agent.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.node.PointsmanNode;
import io.pointsman.agent.notify.Receiver;
import io.pointsman.agent.sync.Await;
import io.pointsman.agent.sync.CentralRepo;
import java.io.ByteArrayOutputStream;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime server state on a real node (git, sync, proxy, status API, stats page): drain a
 * server over the API and see traffic, status, history, metrics, the stats page and a
 * notification follow; across a restart; bad input refused whole; a ttl; a commit that
 * removes the server; the status token; the stats page's admin form.
 */
@Timeout(120)
class ServerStateEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ServerSocket> greeters = new ArrayList<>();
    private CentralRepo central;
    private Receiver receiver;
    private PointsmanNode node;
    private int frontend;
    private int stats;

    @BeforeEach
    void setUp() throws Exception {
        central = CentralRepo.create(tmp.resolve("central"));
        receiver = Receiver.start(0);
        frontend = freePort();
        stats = freePort();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (node != null) {
            node.close();
        }
        receiver.close();
        for (ServerSocket g : greeters) {
            g.close();
        }
    }

    private String config(boolean withWeb1) throws IOException {
        StringBuilder servers = new StringBuilder();
        if (withWeb1) {
            servers.append("      - { name: web1, address: \"127.0.0.1:").append(greeter("web1")).append("\" }\n");
        }
        servers.append("      - { name: web2, address: \"127.0.0.1:").append(greeter("web2")).append("\" }\n");
        return """
                version: 1
                defaults: { mode: tcp, retries: 0, timeout: { connect: 2s, client: 10s, server: 10s } }
                stats: { bind: "127.0.0.1:%d", uri: /stats, admin: true, auth: { user: admin, password: s3cret } }
                frontends: [ { name: fe, bind: ["127.0.0.1:%d"], default_backend: web } ]
                backends:
                  - name: web
                    servers:
                %s
                sync:
                  notify: [ { name: ops, url: "%s", on: [runtime_change] } ]
                """.formatted(stats, frontend, servers, receiver.url("/ops"));
    }

    private void start(Path tokenFile) throws Exception {
        node = PointsmanNode.start(new PointsmanNode.Options(central.url(), "main", "lb1", tmp.resolve("state"),
                Duration.ofSeconds(60), new InetSocketAddress("127.0.0.1", 0), tokenFile, null, 1, Duration.ofSeconds(10)));
    }

    private void awaitApplied(String commit) {
        Await.until("apply of " + commit, Duration.ofSeconds(20),
                () -> ("main@sha1:" + commit).equals(node.engine().status().lastAppliedRevision()),
                () -> node.engine().status().message());
    }

    @Test
    void aDrainSetOverTheApiShowsEverywhereAndSurvivesARestart() throws Exception {
        String c1 = central.push("proxy.yaml", config(true), "two servers");
        start(null);
        awaitApplied(c1);
        JsonNode list = JSON.readTree(get("/servers").body());
        assertEquals(2, list.get("servers").size(), list.toString());
        assertEquals("ready", list.at("/servers/0/state").asText());

        HttpResponse<String> drained = send("POST", "/servers/web/web1?state=drain&reason=kernel%20upgrade", null);
        assertEquals(200, drained.statusCode(), drained.body());
        assertEquals("drain", JSON.readTree(drained.body()).get("state").asText());
        for (int i = 0; i < 6; i++) {
            assertEquals("web2", land(), "no new connection to the drained web1");
        }

        JsonNode status = JSON.readTree(get("/status").body());
        JsonNode o = status.at("/runtimeOverrides/0");
        assertEquals("web", o.get("backend").asText());
        assertEquals("web1", o.get("server").asText());
        assertEquals("drain", o.get("state").asText());
        assertEquals("kernel upgrade", o.get("reason").asText());
        assertEquals("status API", o.get("by").asText());
        JsonNode last = status.get("history").get(status.get("history").size() - 1);
        assertEquals("RuntimeChange", last.get("reason").asText());
        assertEquals("web/web1: drain (kernel upgrade) by status API", last.get("message").asText());
        assertEquals("main@sha1:" + c1, status.get("lastAttemptedRevision").asText(), "not an apply attempt");
        Await.until("the runtime change notified", Duration.ofSeconds(10), () -> receiver.delivered().size() == 1);
        assertTrue(receiver.delivered().get(0).contains("\"event\":\"runtime_change\""), receiver.delivered().get(0));

        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("pointsman_server_admin_state{backend=\"web\",server=\"web1\",state=\"drain\"} 1"), metrics);
        String csv = statsPage("/stats;csv").body();
        assertTrue(csv.contains("\nweb,web1,") && csv.lines().anyMatch(l -> l.startsWith("web,web1,") && l.contains(",DRAIN,")), csv);
        String html = statsPage("/stats").body();
        assertTrue(html.contains("<span class=\"status\">DRAIN</span><u class=\"runtime\""), html);

        // A restart: the node comes back with web1 still drained, from overrides.json.
        node.close();
        start(null);
        awaitApplied(c1);
        for (int i = 0; i < 4; i++) {
            assertEquals("web2", land(), "still drained after the restart");
        }
        assertEquals("drain", JSON.readTree(get("/status").body()).at("/runtimeOverrides/0/state").asText());

        HttpResponse<String> back = send("DELETE", "/servers/web/web1", null);
        assertEquals(200, back.statusCode(), back.body());
        assertTrue(JSON.readTree(back.body()).get("override").isNull(), back.body());
        List<String> landed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            landed.add(land());
        }
        assertTrue(landed.contains("web1"), landed.toString());
        assertEquals(0, JSON.readTree(get("/status").body()).get("runtimeOverrides").size());
    }

    @Test
    void badInputIsRefusedWholeWithTheReason() throws Exception {
        String c1 = central.push("proxy.yaml", config(true), "two servers");
        start(null);
        awaitApplied(c1);
        String[][] cases = {
            {"POST", "/servers/nope/web1?state=drain", "no backend 'nope' in the serving config"},
            {"POST", "/servers/web/web9?state=drain", "no server 'web9' in backend 'web' (servers: web1, web2)"},
            {"POST", "/servers/web/web1?state=sleep", "state must be ready, drain or maint, not 'sleep'"},
            {"POST", "/servers/web/web1?weight=300", "weight 300 out of range"},
            {"POST", "/servers/web/web1?weight=half", "weight must be a number 0-256 or a percentage"},
            {"POST", "/servers/web/web1?state=drain&ttl=soon", "ttl:"},
            {"POST", "/servers/web/web1?state=drain&ttl=0s", "ttl must be longer than 0"},
            {"POST", "/servers/web/web1?state=drain&colour=red", "unknown parameter 'colour'"},
            {"POST", "/servers/web/web1?reason=x", "give state=ready|drain|maint, weight=N|N%, or both"},
            {"POST", "/servers/web?state=drain", "usage: /servers/<backend>/<server>"},
            {"DELETE", "/servers/web/web1?state=drain", "DELETE takes no parameters"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = send(c[0], c[1], null);
            assertEquals(400, r.statusCode(), c[1] + ": " + r.body());
            assertTrue(r.body().contains(c[2]), c[1] + ": " + r.body());
        }
        assertEquals(0, JSON.readTree(get("/status").body()).get("runtimeOverrides").size(), "nothing changed");
        assertFalse(Files.exists(tmp.resolve("state").resolve("overrides.json")), "nothing written");
        assertEquals(405, send("PUT", "/servers/web/web1", null).statusCode());
    }

    @Test
    void aTtlEndsTheOverrideAndACommitThatRemovesTheServerDropsIt() throws Exception {
        String c1 = central.push("proxy.yaml", config(true), "two servers");
        start(null);
        awaitApplied(c1);
        assertEquals(200, send("POST", "/servers/web/web2", "weight=50%25&ttl=1s").statusCode());
        Await.until("the ttl to end the weight override, in history", Duration.ofSeconds(10),
                () -> node.engine().status().history().stream()
                        .anyMatch(h -> h.message().equals("web/web2: weight 50% ended: its ttl passed by ttl")));
        assertTrue(node.servers().overrides().isEmpty());

        assertEquals(200, send("POST", "/servers/web/web1", "state=maint&reason=disk").statusCode());
        String c2 = central.push("proxy.yaml", config(false), "web1 retired");
        node.engine().requestSync("test");
        awaitApplied(c2);
        JsonNode status = JSON.readTree(get("/status").body());
        assertEquals(0, status.get("runtimeOverrides").size());
        JsonNode d = status.at("/runtimeOverridesDropped/0");
        assertEquals("web1", d.get("server").asText());
        assertEquals("maint", d.get("override").asText());
        assertEquals("main@sha1:" + c2, d.get("revision").asText());
        assertTrue(status.get("history").toString().contains("RuntimeOverrideDropped"), status.toString());
        Await.until("told about the dropped override", Duration.ofSeconds(10),
                () -> receiver.delivered().stream().anyMatch(b -> b.contains("dropped")));
    }

    @Test
    void withAStatusTokenEveryChangeNeedsIt() throws Exception {
        Path token = tmp.resolve("token");
        Files.writeString(token, "t0ken-xyz\n");
        String c1 = central.push("proxy.yaml", config(true), "two servers");
        start(token);
        awaitApplied(c1);
        assertEquals(401, send("POST", "/servers/web/web1?state=drain", null).statusCode());
        assertEquals(401, send("DELETE", "/servers/web/web1", null).statusCode());
        assertEquals(200, get("/servers").statusCode(), "reading needs no token, as /status");
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base() + "/servers/web/web1?state=drain"))
                .header("Authorization", "Bearer t0ken-xyz").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void theStatsPageAdminFormActsOnAPostWithItsTokenOnly() throws Exception {
        String c1 = central.push("proxy.yaml", config(true), "two servers");
        start(null);
        awaitApplied(c1);
        String page = statsPage("/stats").body();
        Matcher m = Pattern.compile("name=\"token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), page);
        String token = m.group(1);
        assertTrue(page.contains("<input type=\"checkbox\" name=\"s\" value=\"web1\">"), page);

        // A GET never acts, a POST without the token or without the password neither.
        assertEquals(200, statsPage("/stats?b=web&s=web1&action=maint&token=" + token).statusCode());
        assertEquals(403, statsPost("b=web&s=web1&action=maint", AUTH).statusCode());
        assertEquals(403, statsPost("b=web&s=web1&action=maint&token=forged", AUTH).statusCode());
        assertEquals(401, statsPost("b=web&s=web1&action=maint&token=" + token, null).statusCode());
        assertTrue(node.servers().overrides().isEmpty(), "nothing changed");

        HttpResponse<String> done = statsPost("b=web&s=web1&s=web2&action=maint&reason=rack%20move&token=" + token, AUTH);
        assertEquals(303, done.statusCode(), done.body());
        assertEquals("/stats", done.headers().firstValue("Location").orElse(""));
        assertEquals(2, node.servers().overrides().size());
        assertEquals("stats page", node.servers().overrides().get(0).by());
        assertEquals("rack move", node.servers().overrides().get(0).reason());
        HttpResponse<String> bad = statsPost("b=web&s=web7&action=ready&token=" + token, AUTH);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("no server 'web7'"), bad.body());
    }

    // ---------------------------------------------------------------- helpers

    private String base() {
        return node.status().baseUrl();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    private HttpResponse<String> send(String method, String path, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        b.method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> statsPage(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stats + path)).header("Authorization", AUTH)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> statsPost(String form, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stats + "/stats"))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The name of the server a new connection through the proxy reaches. */
    private String land() throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5000);
            s.connect(new InetSocketAddress("127.0.0.1", frontend), 5000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                b.write(c);
            }
            return b.toString(StandardCharsets.US_ASCII);
        }
    }

    /** A server that greets each connection with its name; the same port for a name across configs. */
    private int greeter(String name) throws IOException {
        for (ServerSocket g : greeters) {
            if (name.equals(names.get(g))) {
                return g.getLocalPort();
            }
        }
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        names.put(socket, name);
        greeters.add(socket);
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        }, "greeter-" + name);
        t.setDaemon(true);
        t.start();
        return socket.getLocalPort();
    }

    private final java.util.Map<ServerSocket, String> names = new java.util.HashMap<>();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
