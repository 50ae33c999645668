package io.pointsman.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.sync.Await;
import io.pointsman.agent.sync.CentralRepo;
import io.pointsman.agent.sync.SyncReason;
import io.pointsman.agent.sync.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The status API over real loopback HTTP, with a real engine on a real git repo. */
@Timeout(60)
class StatusServerTest {
    static final Duration FAST_POLL = Duration.ofMillis(200);
    static final Duration MINUTE_POLL = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    CentralRepo central;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    TestNode node;
    StatusServer server;

    @BeforeEach
    void setUp() throws IOException {
        central = CentralRepo.create(tmp.resolve("remote"));
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private void start(Duration poll, StatusServerOptions options) throws Exception {
        node = TestNode.start("lb1", central.url(), tmp.resolve("state"), poll);
        server = StatusServer.start(options, node.engine);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusJsonCarriesEveryField() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        start(FAST_POLL, StatusServerOptions.loopback(0));
        node.awaitApplied(a);
        HttpResponse<String> r = get("/status");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode s = new ObjectMapper().readTree(r.body());
        for (String f : List.of("node", "repo", "branch", "ready", "reason", "message", "lastAppliedRevision",
                "lastAttemptedRevision", "lastFetchTime", "lastApplyTime", "nextPollTime", "generation", "history")) {
            assertTrue(s.has(f), "missing field " + f + " in " + r.body());
        }
        assertEquals("lb1", s.get("node").asText());
        assertEquals(central.url(), s.get("repo").asText());
        assertEquals("main", s.get("branch").asText());
        assertTrue(s.get("ready").asBoolean());
        assertEquals("Applied", s.get("reason").asText());
        assertEquals("main@sha1:" + a, s.get("lastAppliedRevision").asText());
        assertEquals(1, s.get("generation").asLong());
        JsonNode h = s.get("history").get(0);
        for (String f : List.of("revision", "result", "reason", "message", "time", "durationMs")) {
            assertTrue(h.has(f), "history entry lacks " + f);
        }
        assertTrue(s.get("lastApplyTime").asText().endsWith("Z"), "ISO-8601 UTC times");
    }

    @Test
    void healthzFollowsServingNotTheLastAttempt() throws Exception {
        start(FAST_POLL, StatusServerOptions.loopback(0)); // empty remote: nothing to serve yet
        node.awaitReason(SyncReason.FetchFailed);
        assertEquals(503, get("/healthz").statusCode());
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        node.awaitApplied(a);
        assertEquals(200, get("/healthz").statusCode());
        central.push("proxy.yaml", "invalid: true\n", "bad");
        node.awaitReason(SyncReason.ValidationFailed);
        assertEquals(200, get("/healthz").statusCode(), "a refused commit does not take the node out");
        JsonNode s = new ObjectMapper().readTree(get("/status").body());
        assertFalse(s.get("ready").asBoolean());
        assertEquals("ValidationFailed", s.get("reason").asText());
    }

    @Test
    void postSyncAppliesAPushedCommitAtOnceDespiteAMinutePoll() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        start(MINUTE_POLL, StatusServerOptions.loopback(0));
        node.awaitApplied(a);
        String b = central.push("proxy.yaml", "version: 1\nname: b\n", "b");
        long t0 = System.nanoTime();
        HttpResponse<String> r = post("/sync", new byte[0]);
        assertEquals(202, r.statusCode());
        node.awaitApplied(b);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("POST /sync -> applied in " + ms + " ms (poll 60s)");
        assertEquals("b", node.applier.value("name"));
    }

    @Test
    void webhookNeedsAValidSignature() throws Exception {
        Path secret = tmp.resolve("hook-secret");
        Files.writeString(secret, "It's a Secret to Everybody\n");
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        start(MINUTE_POLL, StatusServerOptions.loopback(0).withWebhookSecretFile(secret));
        node.awaitApplied(a);
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        WebhookVerifier v = new WebhookVerifier("It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8));

        assertEquals(401, post("/hooks/git", body).statusCode(), "no signature");
        assertEquals(401, post("/hooks/git", body, "X-Hub-Signature-256", "sha256=" + "0".repeat(64)).statusCode());
        assertEquals(401, post("/hooks/git", body, "X-Gitlab-Token", "wrong").statusCode());
        String other = v.signature("{\"ref\":\"refs/heads/other\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, post("/hooks/git", body, "X-Hub-Signature-256", "sha256=" + other).statusCode(),
                "signature of another body");

        String b = central.push("proxy.yaml", "version: 1\nname: b\n", "b");
        HttpResponse<String> ok = post("/hooks/git", body, "X-Hub-Signature-256", "sha256=" + v.signature(body));
        assertEquals(202, ok.statusCode());
        node.awaitApplied(b);

        String c = central.push("proxy.yaml", "version: 1\nname: c\n", "c");
        assertEquals(202, post("/hooks/git", body, "X-Gitlab-Token", "It's a Secret to Everybody").statusCode());
        node.awaitApplied(c);
    }

    @Test
    void githubSignatureMatchesGithubsDocumentedExample() {
        // From GitHub's "Validating webhook deliveries" documentation.
        WebhookVerifier v = new WebhookVerifier("It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8));
        assertEquals("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                v.signature("Hello, World!".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bearerTokenGuardsPostsConfigAndDiff() throws Exception {
        Path tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, "t0ken-123\n");
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        start(FAST_POLL, StatusServerOptions.loopback(0).withTokenFile(tokenFile));
        node.awaitApplied(a);
        assertEquals(200, get("/status").statusCode(), "reads stay open");
        assertEquals(200, get("/healthz").statusCode());
        assertEquals(401, post("/sync", new byte[0]).statusCode());
        assertEquals(401, post("/sync", new byte[0], "Authorization", "Bearer wrong").statusCode());
        assertEquals(202, post("/sync", new byte[0], "Authorization", "Bearer t0ken-123").statusCode());
        assertEquals(401, get("/config").statusCode());
        HttpResponse<String> cfg = get("/config", "Authorization", "Bearer t0ken-123");
        assertEquals(200, cfg.statusCode());
        assertTrue(cfg.body().contains("name: \"a\"") || cfg.body().contains("name: a"), cfg.body());
        assertEquals(401, get("/diff?revision=main").statusCode());
        assertEquals(401, post("/suspend?reason=x", new byte[0]).statusCode());
        assertFalse(node.status().suspended());
    }

    @Test
    void nonLoopbackBindWithoutTokenIsRefused() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\n", "a");
        node = TestNode.start("lb1", central.url(), tmp.resolve("state"), MINUTE_POLL);
        StatusServerException e = assertThrows(StatusServerException.class, () -> StatusServer.start(
                new StatusServerOptions(new InetSocketAddress("0.0.0.0", 0), null, null), node.engine));
        assertTrue(e.getMessage().contains("--status-token-file"), e.getMessage());
    }

    @Test
    void metricsDiffSuspendAndResume() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        start(FAST_POLL, StatusServerOptions.loopback(0));
        node.awaitApplied(a);

        HttpResponse<String> m = get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.body().contains("pointsman_sync_attempts_total{result=\"success\",reason=\"Applied\"} 1"), m.body());
        assertTrue(m.body().contains("pointsman_sync_applied_revision_info{node=\"lb1\",branch=\"main\",commit=\"" + a + "\""), m.body());
        assertTrue(m.body().contains("pointsman_sync_last_success_timestamp_seconds"), m.body());
        assertTrue(m.body().contains("pointsman_sync_fetch_duration_seconds_count"), m.body());
        assertTrue(m.body().contains("pointsman_test_generation 1"), "proxy metrics appended: " + m.body());

        HttpResponse<String> s = post("/suspend?reason=change%20freeze", new byte[0]);
        assertEquals(200, s.statusCode());
        assertTrue(s.body().contains("change freeze"), s.body());
        String b = central.push("proxy.yaml", "version: 1\nname: b\nextra: 1\n", "b");
        node.awaitMoreSyncs(2);
        assertEquals("main@sha1:" + a, node.status().lastAppliedRevision());
        assertEquals(SyncReason.Suspended, node.status().reason());

        HttpResponse<String> d = get("/diff?revision=main@sha1:" + b);
        assertEquals(200, d.statusCode());
        assertTrue(d.body().contains("changed: name"), d.body());
        assertTrue(d.body().contains("added: extra"), d.body());
        assertEquals(404, get("/diff?revision=" + "f".repeat(40)).statusCode());
        assertEquals(400, get("/diff").statusCode());

        assertEquals(200, post("/resume", new byte[0]).statusCode());
        node.awaitApplied(b);
        assertEquals(404, get("/nope").statusCode());
        assertEquals(405, post("/status", new byte[0]).statusCode());
    }

    /** SPEC §11: {@code /diff?revision=R} fetches R first when the node has not seen it (a pull request's branch). */
    @Test
    void diffFetchesARevisionTheNodeHasNotPolledYet() throws Exception {
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        start(MINUTE_POLL, StatusServerOptions.loopback(0));
        node.awaitApplied(a);

        central.git("checkout", "-q", "-b", "feature");
        central.write("proxy.yaml", "version: 1\nname: feature\n");
        central.git("commit", "-q", "-am", "on a branch");
        central.git("push", "-q", "origin", "feature");
        central.write("proxy.yaml", "version: 1\nname: pr\npr: 7\n");
        central.git("commit", "-q", "-am", "a pull request's head");
        String pr = central.head();
        central.git("push", "-q", "origin", "HEAD:refs/pull/7/head");
        central.write("proxy.yaml", "version: 1\nname: by-id\n");
        central.git("commit", "-q", "-am", "reachable only by its id");
        String byId = central.head();
        central.git("push", "-q", "origin", "HEAD:refs/pull/8/head");
        central.git("checkout", "-q", "main");

        HttpResponse<String> branch = get("/diff?revision=feature");
        assertEquals(200, branch.statusCode(), branch.body());
        assertTrue(branch.body().contains("changed: name"), branch.body());
        HttpResponse<String> pull = get("/diff?revision=refs/pull/7/head");
        assertEquals(200, pull.statusCode(), pull.body());
        assertTrue(pull.body().contains("added: pr"), pull.body());
        assertEquals(200, get("/diff?revision=main@sha1:" + pr).statusCode(), "fetched above, known now");
        HttpResponse<String> id = get("/diff?revision=" + byId);
        assertEquals(200, id.statusCode(), id.body());
        assertTrue(id.body().contains("changed: name"), id.body());
        HttpResponse<String> none = get("/diff?revision=no-such-branch");
        assertEquals(404, none.statusCode(), none.body());
        assertTrue(none.body().contains("nor fetched"), none.body());
        assertEquals("main@sha1:" + a, node.status().lastAppliedRevision(), "a preview applies nothing");
    }

    @Test
    void credentialsNeverReachStatusOrLogs() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String url = "http://alice:s3cr3t-tok@127.0.0.1:" + port + "/cfg.git";
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            node = TestNode.start("lb1", url, tmp.resolve("state"), FAST_POLL);
            server = StatusServer.start(StatusServerOptions.loopback(0), node.engine);
            node.awaitReason(SyncReason.FetchFailed);
            node.awaitMoreSyncs(1);
            HttpResponse<String> r = get("/status");
            assertEquals("http://127.0.0.1:" + port + "/cfg.git", new ObjectMapper().readTree(r.body()).get("repo").asText());
            assertFalse(r.body().contains("s3cr3t"), r.body());
            assertFalse(r.body().contains("alice"), r.body());
            assertFalse(get("/metrics").body().contains("s3cr3t"));
        } finally {
            System.setErr(originalErr);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains("127.0.0.1:" + port), "the failure was logged: " + logs);
        assertFalse(logs.contains("s3cr3t"), logs);
        assertFalse(logs.contains("alice"), logs);
    }
}
