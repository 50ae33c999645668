package io.pointsman.proxy.http;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.pointsman.proxy.limits.Limiter;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Curl;
import io.pointsman.proxy.testing.RecordingHttpServer;
import io.pointsman.proxy.testing.YamlProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §8 through real sockets (raw clients and curl), for what the HAProxy differential
 * test ({@link RulesHaproxyDifferentialTest}) does not cover: pipelining and keep-alive
 * around rule answers, password checks off the event loop (cached, and a client that
 * leaves or pipelines while one runs), del_query_param, bounded limit memory, tcp_request,
 * TLS facts, error files of backends, a refused apply.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RulesLiveTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RecordingHttpServer server;
    private final int port = Clients.freePort();

    @BeforeEach
    void startServer() throws IOException {
        server = closing(new RecordingHttpServer());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    /** A proxy whose frontend {@code fe} has this YAML below its bind, and a backend {@code be} to the recorder. */
    private YamlProxy proxy(String frontendBody) {
        return proxy(frontendBody, "", Map.of());
    }

    private YamlProxy proxy(String frontendBody, String top, Map<String, String> env) {
        return closing(YamlProxy.start(config(frontendBody, top, ""), env));
    }

    /** @param backends more backends, YAML list items indented by 2 */
    private String config(String frontendBody, String top, String backends) {
        return "version: 1\n"
                + "defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s, http_request: 5s } }\n"
                + top
                + "frontends:\n"
                + "  - name: fe\n"
                + "    bind: \"127.0.0.1:" + port + "\"\n"
                + frontendBody
                + "backends:\n"
                + "  - name: be\n"
                + "    servers: [ { name: s1, address: \"127.0.0.1:" + server.port() + "\" } ]\n"
                + backends;
    }

    private RawHttpClient client() {
        return closing(new RawHttpClient(new InetSocketAddress("127.0.0.1", port)));
    }

    private static String get(String target, String... headers) {
        StringBuilder sb = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: a.example\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private String lastHead() {
        List<String> heads = server.heads();
        return heads.isEmpty() ? null : heads.get(heads.size() - 1);
    }

    // ---- keep-alive and pipelining ----------------------------------------------------

    @Test
    void pipelinedRequestsWithRulesAnsweringSome() throws IOException {
        proxy("""
                    acl:
                      - { name: deny, path_beg: ["/deny"] }
                      - { name: moved, path_beg: ["/old"] }
                      - { name: ping, path: ["/ping"] }
                    http_request:
                      - { deny: {}, if: deny }
                      - { redirect: { prefix: "https://new.example" }, if: moved }
                      - { return: { status: 200, content_type: text/plain, body: "pong" }, if: ping }
                    default_backend: be
                """);
        try (Socket s = Clients.connect(new InetSocketAddress("127.0.0.1", port))) {
            s.getOutputStream().write((get("/a") + get("/deny/x") + get("/b") + get("/old/p?q") + get("/ping")
                    + get("/c")).getBytes(StandardCharsets.ISO_8859_1));
            RawHttpClient reader = new RawHttpClient(s);
            int[] want = {200, 403, 200, 302, 200, 200};
            for (int i = 0; i < want.length; i++) {
                RawHttpClient.Response r = reader.read();
                assertEquals(want[i], r.status(), "response " + i);
                assertFalse(r.closes(), "response " + i + " keeps the connection");
                if (want[i] == 302) {
                    assertEquals("https://new.example/old/p?q", r.header("location"));
                }
                if (i == 4) {
                    assertEquals("pong", r.body());
                }
            }
        }
        assertEquals(List.of("/a", "/b", "/c"), server.heads().stream().map(h -> h.split(" ")[1]).toList());
    }

    @Test
    void aKeepAliveConnectionSurvivesARedirectAndCurlFollowsIt() throws Exception {
        proxy("""
                    acl: [ { name: old, path_beg: ["/old/"] } ]
                    http_request:
                      - { redirect: { location: "/new%[path]", code: 301 }, if: old }
                    default_backend: be
                """);
        RawHttpClient c = client();
        RawHttpClient.Response r = c.send(get("/old/x"));
        assertEquals(301, r.status());
        assertEquals("/new/old/x", r.header("location"));
        assertEquals(200, c.send(get("/new/old/x")).status());
        assertEquals(1, c.connectionsOpened, "the redirect kept the connection");
        // curl follows it on the same connection ("Re-using existing connection").
        String out = Curl.run("-v", "-L", "-o", "/dev/null", "http://127.0.0.1:" + port + "/old/y");
        assertTrue(server.heads().stream().anyMatch(h -> h.startsWith("GET /new/old/y ")), server.heads().toString());
    }

    @Test
    void anAnswerToARequestWhoseBodyIsStillComingClosesTheConnection() throws Exception {
        proxy("""
                    acl: [ { name: deny, path_beg: ["/deny"] } ]
                    http_request: [ { deny: {}, if: deny } ]
                    default_backend: be
                """);
        try (Socket s = Clients.connect(new InetSocketAddress("127.0.0.1", port))) {
            s.getOutputStream().write("POST /deny HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(all.startsWith("HTTP/1.1 403 Forbidden\r\n") && all.contains("\r\nConnection: close\r\n"), all);
        }
        // With the body in the same packet the request is whole: the connection goes on.
        RawHttpClient c = client();
        assertEquals(403, c.send("POST /deny HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello").status());
        assertEquals(200, c.send(get("/")).status());
        assertEquals(1, c.connectionsOpened);
        assertTrue(server.heads().stream().noneMatch(h -> h.startsWith("POST")), server.heads().toString());
    }

    // ---- auth -------------------------------------------------------------------------

    private String authConfig(String hash) {
        return """
                    acl: [ { name: admin, path_beg: ["/admin"] } ]
                    http_request:
                      - { auth: { userlist: admins, realm: Admin }, if: admin }
                    default_backend: be
                """;
    }

    private String users(String hash) {
        return "userlists:\n  - name: admins\n    users:\n"
                + "      - { name: alice, password: \"" + hash + "\" }\n"
                + "      - { name: bob, insecure_password: \"${env:BOB_PASSWORD}\" }\n";
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void manyRequestsWithTheSameCredentialsHashOnce() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(6, "pw".toCharArray());
        YamlProxy p = proxy(authConfig(hash), users(hash), Map.of("BOB_PASSWORD", "bobs"));
        RawHttpClient c = client();
        RawHttpClient.Response challenge = c.send(get("/admin"));
        assertEquals(401, challenge.status());
        assertEquals("Basic realm=\"Admin\"", challenge.header("www-authenticate"));
        assertEquals(1, c.connectionsOpened, "the 401 keeps the connection, so the browser can answer on it");
        for (int i = 0; i < 20; i++) {
            assertEquals(200, c.send(get("/admin/" + i, basic("alice", "pw"))).status());
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(401, c.send(get("/admin", basic("alice", "wrong"))).status());
        }
        assertEquals(2, p.runtime().passwords().hashesComputed(), "one hash for the right password, one for the wrong");
        assertEquals(200, c.send(get("/admin", basic("bob", "bobs"))).status());
        assertEquals(401, c.send(get("/admin", basic("bob", "bobs2"))).status());
        assertEquals(401, c.send(get("/admin", "Authorization: Basic")).status());
        assertEquals(401, c.send(get("/admin", "Authorization: Basic Ym9i")).status(), "no colon");
        assertEquals(2, p.runtime().passwords().hashesComputed(), "plain passwords are not hashed");
        // curl's -u
        assertTrue(Curl.head("-u", "alice:pw", "http://127.0.0.1:" + port + "/admin/curl").startsWith("HTTP/1.1 200"));
        assertEquals(1, c.connectionsOpened);
    }

    @Test
    void requestsPipelinedBehindAPasswordCheckWaitTheirTurn() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(10, "pw".toCharArray());
        proxy(authConfig(hash), users(hash), Map.of("BOB_PASSWORD", "bobs"));
        try (Socket s = Clients.connect(new InetSocketAddress("127.0.0.1", port))) {
            s.getOutputStream().write((get("/admin/1", basic("alice", "pw")) + get("/free")
                    + get("/admin/2", basic("alice", "nope")) + get("/admin/3", basic("alice", "pw")))
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawHttpClient reader = new RawHttpClient(s);
            assertEquals(List.of(200, 200, 401, 200),
                    List.of(reader.read().status(), reader.read().status(), reader.read().status(),
                            reader.read().status()));
        }
        assertEquals(List.of("/admin/1", "/free", "/admin/3"),
                server.heads().stream().map(h -> h.split(" ")[1]).toList());
    }

    @Test
    void aClientThatLeavesDuringAPasswordCheckReleasesEverything() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(12, "pw".toCharArray());
        YamlProxy p = proxy(authConfig(hash), users(hash), Map.of("BOB_PASSWORD", "bobs"));
        for (int i = 0; i < 3; i++) {
            try (Socket s = Clients.connect(new InetSocketAddress("127.0.0.1", port))) {
                s.getOutputStream().write(("POST /admin HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                        + basic("alice", "try" + i) + "\r\n\r\nbody").getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            }
        }
        await("the connections closed", 10_000, () -> p.runtime().connectionCount() == 0);
        await("the checks done", 20_000, () -> p.runtime().passwords().hashesComputed() == 3);
        RawHttpClient c = client();
        assertEquals(200, c.send(get("/after")).status());
        assertEquals(List.of("/after"), server.heads().stream().map(h -> h.split(" ")[1]).toList());
    }

    // ---- request rewrites -----------------------------------------------------------------

    @Test
    void delQueryParamAndARuleAfterARuleSeesItsEffect() throws IOException {
        proxy("""
                    acl:
                      - { name: has-a, header: { name: X-A, found: true } }
                      - { name: v2, path_beg: ["/v2/"] }
                    http_request:
                      - { del_query_param: { name: utm_source } }
                      - { set_header: { name: X-A, value: "1" } }
                      - { set_header: { name: X-B, value: "a=%[req.hdr(X-A)]" } }
                      - { add_header: { name: X-C, value: "yes" }, if: has-a }
                      - { set_path: { value: "/v2%[path]" } }
                      - { set_header: { name: X-D, value: "%[path]?%[query]" }, if: v2 }
                    default_backend: be
                """);
        RawHttpClient c = client();
        c.send(get("/p?utm_source=x&a=1&utm_source&b=2&utm_sourcex=3"));
        String head = lastHead();
        assertTrue(head.startsWith("GET /v2/p?a=1&b=2&utm_sourcex=3 HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nX-A: 1\r\n") && head.contains("\r\nX-B: a=1\r\n") && head.contains("\r\nX-C: yes\r\n")
                && head.contains("\r\nX-D: /v2/p?a=1&b=2&utm_sourcex=3\r\n"), head);
        c.send(get("/q?utm_source=only"));
        assertTrue(lastHead().startsWith("GET /v2/q HTTP/1.1\r\n"), "the last parameter takes the '?' with it: "
                + lastHead());
    }

    @Test
    void eachRequestGetsAUniqueIdInHaproxysUsualFormat() throws IOException {
        proxy("""
                    http_request:
                      - { set_header: { name: X-Request-ID, value: "%[unique_id]" } }
                      - { set_header: { name: X-Same, value: "%[unique_id]" } }
                    default_backend: be
                """);
        RawHttpClient c = client();
        c.send(get("/1"));
        String first = RecordingHttpServer.header(lastHead(), "X-Request-ID");
        c.send(get("/2"));
        String second = RecordingHttpServer.header(lastHead(), "X-Request-ID");
        // %{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid
        String format = "7F000001:[0-9A-F]+_7F000001:" + Integer.toHexString(port).toUpperCase()
                + "_[0-9A-F]{8}_[0-9A-F]{4,}:[0-9A-F]+";
        assertTrue(first.matches(format), first);
        assertTrue(second.matches(format), second);
        assertFalse(first.equals(second));
        assertEquals(second, RecordingHttpServer.header(lastHead(), "X-Same"), "one id per request");
    }

    @Test
    void aValueThatExpandsToCrLfIs400AndNothingIsSplit() throws IOException {
        proxy("""
                    http_request:
                      - { set_header: { name: X-Copy, value: "%[req.hdr(X-In)]" } }
                      - { replace_header: { name: X-In, regex: "^(.*)$", with: "\\\\1\\\\x0d\\\\x0aX-Injected: 1" } }
                    default_backend: be
                """);
        RawHttpClient c = client();
        RawHttpClient.Response r = c.send(get("/", "X-In: v"));
        assertEquals(400, r.status());
        assertNull(lastHead(), "nothing reached the server");
        assertEquals(200, client().send(get("/")).status(), "a request the rule does not touch goes through");
        assertFalse(lastHead().toLowerCase().contains("x-injected"));
    }

    @Test
    void useBackendSeesRewritesAndBackendRulesRunAfterIt() throws Exception {
        RecordingHttpServer api = closing(new RecordingHttpServer(h ->
                "HTTP/1.1 200 OK\r\nX-Server: api\r\nContent-Length: 0\r\n\r\n"));
        closing(YamlProxy.start(config("""
                    acl:
                      - { name: legacy, host: ["legacy.example"] }
                      - { name: api-host, host: ["api.example"] }
                    http_request:
                      - { set_header: { name: Host, value: "api.example:8443" }, if: legacy }
                    use_backend: [ { backend: api, if: api-host } ]
                    default_backend: be
                """, "", """
                  - name: api
                    http_request: [ { set_header: { name: X-Be, value: "%%[be_name] via %%[fe_name]" } } ]
                    servers: [ { name: a1, address: "127.0.0.1:%d" } ]
                """.formatted(api.port())), Map.of()));
        RawHttpClient.Response r = client().send("GET /x HTTP/1.1\r\nHost: legacy.example\r\n\r\n");
        assertEquals("api", r.header("x-server"));
        String head = api.heads().get(0);
        assertTrue(head.contains("\r\nHost: api.example:8443\r\n") && head.contains("\r\nX-Be: api via fe\r\n"), head);
        assertTrue(server.heads().isEmpty());
    }

    // ---- responses --------------------------------------------------------------------

    @Test
    void responseRulesActOnServersResponsesOnly() throws IOException {
        YamlProxy p = proxy("""
                    acl:
                      - { name: deny, path: ["/deny"] }
                      - { name: bad, path: ["/bad"] }
                      - { name: err, status: ["500-599"] }
                    http_request: [ { deny: {}, if: deny } ]
                    http_response:
                      - { set_header: { name: Strict-Transport-Security, value: "max-age=63072000" } }
                      - { del_header: { name: Server } }
                      - { replace_header: { name: Set-Cookie, regex: "^(.*)$", with: "\\\\1; Secure" } }
                      - { add_header: { name: X-Srv, value: "%[srv_name]/%[res.hdr(Content-Type)]" } }
                      - { set_header: { name: X-Error, value: "1" }, if: err }
                      - { deny: {}, if: bad }
                    default_backend: be
                """);
        RawHttpClient c = client();
        RawHttpClient.Response ok = c.send(get("/"));
        assertEquals("max-age=63072000", ok.header("strict-transport-security"));
        assertNull(ok.header("server"));
        assertEquals("sid=abc; Secure", ok.header("set-cookie"));
        assertEquals("s1/text/plain", ok.header("x-srv"));
        assertEquals("ok", ok.body());
        assertEquals("1", c.send(get("/status/503")).header("x-error"));
        RawHttpClient.Response denied = c.send(get("/deny"));
        assertEquals(403, denied.status());
        assertNull(denied.header("strict-transport-security"), "the proxy's own answer is not a server's response");
        RawHttpClient.Response bad = c.send(get("/bad"));
        assertEquals(502, bad.status());
        assertNull(bad.header("strict-transport-security"));
        assertEquals(200, c.send(get("/")).status(), "the connection goes on after a denied response");
        assertEquals(1, c.connectionsOpened);
        assertEquals(2, p.runtime().stats().snapshot().frontends().get("fe").denied(), "a denied request and response");
        // An HTTP/1.0 client that asked to keep the connection is told it is kept.
        RawHttpClient old = client();
        RawHttpClient.Response r = old.send("GET /deny HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertEquals(403, r.status());
        assertEquals("keep-alive", r.header("connection"));
        assertEquals(200, old.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status());
        assertEquals(1, old.connectionsOpened);
    }

    // ---- error files -------------------------------------------------------------------

    @Test
    void errorFilesReplaceThePagesBackendsFirstAndAMissingOneRefusesTheApply() throws Exception {
        Path fe503 = dir.resolve("fe503.http");
        Files.writeString(fe503, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nfrontend page");
        Path be503 = dir.resolve("be503.http");
        Files.writeString(be503, "HTTP/1.1 503 Service Unavailable\nContent-Type: text/plain\n\nbackend page");
        Path fe400 = dir.resolve("fe400.http");
        Files.writeString(fe400, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nsay again");
        int dead = Clients.deadPort();
        String frontend = """
                    errorfiles: { 503: "%s", 400: "%s" }
                    limits: [ { name: per-ip, key: src, requests: 3, per: 60s } ]
                    acl:
                      - { name: down, path_beg: ["/down"] }
                      - { name: none, path_beg: ["/none"] }
                      - { name: over, over_limit: per-ip }
                    http_request: [ { deny: { status: 429 }, if: over } ]
                    use_backend: [ { backend: down, if: down }, { backend: nowhere, if: none } ]
                    default_backend: be
                """.formatted(fe503, fe400);
        String backends = """
                  - name: down
                    retries: 0
                    errorfiles: { 503: "%s" }
                    servers: [ { name: d1, address: "127.0.0.1:%d" } ]
                  - name: nowhere
                    retries: 0
                    servers: [ { name: n1, address: "127.0.0.1:%d" } ]
                """.formatted(be503, dead, dead);
        YamlProxy p = closing(YamlProxy.start(config(frontend, "", backends), Map.of()));
        assertEquals("backend page", client().send(get("/down")).body());
        assertEquals("frontend page", client().send(get("/none")).body());
        RawHttpClient.Response refused = client().send("GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n");
        assertEquals(400, refused.status());
        assertEquals("say again", refused.body());
        // Three requests so far count against the limit (the refused one had no request line).
        // A config whose error file is missing is refused, names the file, and changes
        // nothing: not even the limit's counts (the refused generation's limits are not committed).
        String broken = config(frontend.replace("requests: 3", "requests: 100"), "", backends)
                .replace(be503.toString(), dir.resolve("missing.http").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.runtime().apply(YamlProxy.load(broken, Map.of()), "broken"));
        assertTrue(e.getMessage().contains("missing.http"), e.getMessage());
        assertEquals("frontend page", client().send(get("/none")).body(), "the serving generation still serves");
        p.apply(config(frontend, "", backends), Map.of()); // the same limits: their counts carry over
        assertEquals(429, client().send(get("/")).status(), "the fourth request is over the limit");
    }

    // ---- limits -------------------------------------------------------------------------

    @Test
    void limitsKeepToTheirSizeWithMoreClientsThanThat() throws IOException {
        YamlProxy p = proxy("""
                    limits: [ { name: per-ip, key: src, requests: 2, per: 60s, size: 16 } ]
                    acl: [ { name: over, over_limit: per-ip } ]
                    http_request: [ { deny: { status: 429 }, if: over } ]
                    default_backend: be
                """);
        for (int i = 10; i < 70; i++) {
            try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", port), "127.0.0." + i)) {
                assertEquals(200, c.send(get("/")).status());
            }
        }
        Limiter limiter = p.runtime().current().frontend("fe").limits().get("per-ip");
        assertTrue(limiter.tracked() <= 16, "tracked " + limiter.tracked());
        // A client still tracked is limited.
        try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", port), "127.0.0.9")) {
            assertEquals(List.of(200, 200, 429), List.of(c.send(get("/")).status(), c.send(get("/")).status(),
                    c.send(get("/")).status()));
        }
    }

    @Test
    void tcpRequestRejectAndConcurrentLimitsInTcpMode() throws Exception {
        io.pointsman.proxy.testing.TestServer echo = closing(io.pointsman.proxy.testing.TestServer.echo("hi"));
        int tcpPort = Clients.freePort();
        YamlProxy p = closing(YamlProxy.start("""
                version: 1
                defaults: { mode: tcp, timeout: { connect: 2s, client: 10s, server: 10s } }
                frontends:
                  - name: tcp
                    bind: "127.0.0.1:%d"
                    limits: [ { name: conns, key: src, concurrent: 1 } ]
                    acl:
                      - { name: banned, src: ["127.0.0.5/32"] }
                      - { name: busy, over_limit: conns }
                    tcp_request:
                      - { reject: true, if: banned }
                      - { reject: true, if: busy }
                    default_backend: echo
                backends:
                  - name: echo
                    servers: [ { name: e1, address: "127.0.0.1:%d" } ]
                """.formatted(tcpPort, echo.port())));
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", tcpPort);
        try (Socket banned = Clients.connect("127.0.0.5", to)) {
            assertEquals(-1, banned.getInputStream().read(), "rejected: closed without a byte");
        }
        try (Socket first = Clients.connect("127.0.0.6", to)) {
            assertEquals("hi", Clients.readLine(first.getInputStream()));
            try (Socket second = Clients.connect("127.0.0.6", to)) {
                assertEquals(-1, second.getInputStream().read(), "a second connection of the client is over");
            }
            try (Socket other = Clients.connect("127.0.0.7", to)) {
                assertEquals("hi", Clients.readLine(other.getInputStream()), "another client is not");
            }
        }
        await("closed", 5000, () -> p.runtime().connectionCount() == 0);
        try (Socket again = Clients.connect("127.0.0.6", to)) {
            assertEquals("hi", Clients.readLine(again.getInputStream()), "its connection closed: under the limit again");
        }
        assertEquals(2, p.runtime().stats().snapshot().frontends().get("tcp").denied());
    }

    // ---- TLS --------------------------------------------------------------------------

    @Test
    void sslFcAndTlsVariablesOverATlsFrontend() throws Exception {
        Process gen = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve("site.key").toString(), "-out", dir.resolve("site.pem").toString(),
                "-days", "2", "-subj", "/CN=site.example", "-addext", "subjectAltName=DNS:site.example")
                .redirectErrorStream(true).start();
        gen.getInputStream().readAllBytes();
        assertTrue(gen.waitFor(60, TimeUnit.SECONDS) && gen.exitValue() == 0, "openssl made a certificate");
        int tlsPort = Clients.freePort();
        String yaml = """
                version: 1
                defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s } }
                frontends:
                  - name: plain
                    bind: "127.0.0.1:%1$d"
                    acl: [ { name: tls, ssl_fc: true } ]
                    http_request: [ { redirect: { scheme: https, code: 301 }, unless: tls } ]
                    default_backend: be
                  - name: secure
                    bind: "127.0.0.1:%2$d"
                    tls: { cert: "%3$s", key: "%4$s" }
                    acl:
                      - { name: tls, ssl_fc: true }
                      - { name: site, host: ["site.example"] }
                    http_request:
                      - { redirect: { scheme: https, code: 301 }, unless: tls }
                      - { set_header: { name: X-Tls, value: "%%[ssl_fc] %%[ssl_fc_protocol] %%[ssl_fc_sni]" }, if: "tls site" }
                    http_response:
                      - { set_header: { name: Strict-Transport-Security, value: "max-age=63072000" }, if: tls }
                    default_backend: be
                backends:
                  - name: be
                    servers: [ { name: s1, address: "127.0.0.1:%5$d" } ]
                """.formatted(port, tlsPort, dir.resolve("site.pem"), dir.resolve("site.key"), server.port());
        closing(YamlProxy.start(yaml));
        String plain = Curl.head("http://127.0.0.1:" + port + "/a?b=1", "-H", "Host: site.example:" + tlsPort);
        assertTrue(plain.startsWith("HTTP/1.1 301"), plain);
        assertTrue(plain.contains("\r\nLocation: https://site.example:" + tlsPort + "/a?b=1\r\n"), plain);
        String secure = Curl.head("-k", "--resolve", "site.example:" + tlsPort + ":127.0.0.1",
                "https://site.example:" + tlsPort + "/a?b=1");
        assertTrue(secure.startsWith("HTTP/1.1 200"), secure);
        assertTrue(secure.contains("\r\nStrict-Transport-Security: max-age=63072000\r\n"), secure);
        String head = lastHead();
        assertTrue(head.matches("(?s).*\r\nX-Tls: 1 TLSv1\\.[23] site\\.example\r\n.*"), head);
        // Followed by curl: the redirect lands on the TLS frontend.
        Curl.run("-k", "-L", "-o", "/dev/null", "--resolve", "site.example:" + tlsPort + ":127.0.0.1",
                "--resolve", "site.example:" + port + ":127.0.0.1",
                "http://site.example:" + port + "/followed", "-H", "Host: site.example:" + tlsPort);
        assertTrue(server.heads().stream().anyMatch(h -> h.startsWith("GET /followed ") && h.contains("X-Tls: 1 ")),
                server.heads().toString());
    }
}
