package io.pointsman.proxy.http;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP reverse proxy on the real runtime, real loopback servers and clients. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpProxyTest {
    private ProxyRuntime runtime;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() {
        runtime = ProxyRuntime.builder().threads(2).health(HealthView.ALWAYS_UP).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        runtime.close();
    }

    private HttpBackend backend(String name) throws InterruptedException {
        HttpBackend b = new HttpBackend(name);
        closeables.add(b);
        return b;
    }

    private RawHttpClient client() {
        RawHttpClient c = new RawHttpClient(runtime.boundAddresses("fe").get(0));
        closeables.add(c);
        return c;
    }

    private final int port = io.pointsman.proxy.testing.Clients.freePort();

    private void apply(HttpConfigs config, String revision) {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config.build("127.0.0.1:" + port), revision));
    }

    private void applyKeepingPort(HttpConfigs config, String revision) {
        apply(config, revision);
    }

    @Test
    void routesByPathHostMethodAndHeader() throws Exception {
        HttpBackend api = backend("api");
        HttpBackend admin = backend("admin");
        HttpBackend writes = backend("writes");
        HttpBackend canary = backend("canary");
        HttpBackend web = backend("web");
        apply(new HttpConfigs()
                .acl(HttpConfigs.pathBeg("is-api", "/api/"))
                .acl(HttpConfigs.host("is-admin", "admin.example.com"))
                .acl(HttpConfigs.method("is-write", "POST", "PUT"))
                .acl(HttpConfigs.header("is-canary", "X-Canary", "1"))
                .use("admin", "is-admin")
                .use("canary", "is-canary")
                .use("api", "is-api")
                .use("writes", "is-write")
                .defaultBackend("web")
                .backend("api", api.address()).backend("admin", admin.address())
                .backend("writes", writes.address()).backend("canary", canary.address())
                .backend("web", web.address()), "r1");
        RawHttpClient c = client();
        assertEquals("api GET /api/users?x=1", c.get("/api/users?x=1", "www.example.com").body());
        assertEquals("admin GET /api/users", c.get("/api/users", "Admin.Example.com:8080").body());
        assertEquals("web GET /", c.get("/", "www.example.com").body());
        assertEquals("canary GET /", c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Canary: 1\r\n\r\n").body());
        assertEquals("writes POST /form", c.send("POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc").body());
        assertEquals("api GET /api/x", c.send("GET http://Other/api/x HTTP/1.1\r\nHost: admin.example.com\r\n\r\n").body(),
                "absolute-form: the target's authority is the host");
        assertEquals(1, c.connectionsOpened, "all on one keep-alive client connection");
    }

    @Test
    void headResponseCarriesNoBodyAndTheConnectionGoesOn() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(runtime.boundAddresses("fe").get(0), 5000);
            s.setSoTimeout(10_000);
            java.io.OutputStream out = s.getOutputStream();
            java.io.InputStream in = s.getInputStream();
            out.write("HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = RawHttpClient.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-length: " + "web HEAD /h".length()),
                    head);
            // Had a body followed the HEAD response, it would be read here as the next status line.
            out.write("GET /g HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String next = RawHttpClient.readHead(in);
            assertTrue(next.startsWith("HTTP/1.1 200 OK\r\n"), next);
            assertEquals("web GET /g", new String(in.readNBytes("web GET /g".length()), StandardCharsets.ISO_8859_1));
        }
        assertEquals(1, web.connections.get());
    }

    @Test
    void noRouteIs503() throws Exception {
        HttpBackend api = backend("api");
        apply(new HttpConfigs().acl(HttpConfigs.pathBeg("is-api", "/api/")).use("api", "is-api")
                .backend("api", api.address()), "r1");
        RawHttpClient.Response r = client().get("/other", "a");
        assertEquals(503, r.status());
        assertTrue(r.body().contains("<h1>503 Service Unavailable</h1>"));
        assertTrue(r.closes());
        assertEquals(0, api.requests.get());
    }

    @Test
    void keepAliveOnBothSidesReusesConnections() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        for (int i = 0; i < 30; i++) {
            RawHttpClient.Response r = c.get("/n" + i, "a");
            assertEquals("web GET /n" + i, r.body());
            assertNull(r.header("connection"), "HTTP/1.1 keep-alive is the default");
        }
        RawHttpClient.Response chunked = c.get("/chunked", "a");
        assertEquals("web GET /chunkedweb GET /chunked", chunked.body());
        assertEquals(1, c.connectionsOpened);
        assertEquals(1, web.connections.get(), "one pooled server connection served every request");
        assertEquals(31, web.requests.get());
    }

    @Test
    void forwardsForAndStripsHopByHopHeaders() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient.Response r = client().send("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 203.0.113.7\r\n"
                + "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                + "Proxy-Connection: x\r\nX-Kept: k\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("203.0.113.7, 127.0.0.1", r.header("x-seen-x-forwarded-for"));
        assertEquals("http", r.header("x-seen-x-forwarded-proto"));
        assertEquals("k", r.header("x-seen-x-kept"));
        for (String gone : new String[] {"x-secret", "keep-alive", "te", "proxy-connection", "upgrade"}) {
            assertNull(r.header("x-seen-" + gone), gone + " is hop-by-hop");
        }
    }

    @Test
    void http10ClientGetsItsAnswerAndConnectionCloses() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        c.ensureOpen();
        c.output().write("GET /old HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        RawHttpClient.Response r = c.read();
        assertEquals("web GET /old", r.body());
        assertTrue(c.closedByPeer());

        // A chunked server response reaches an HTTP/1.0 client unchunked, ended by the close.
        RawHttpClient d = client();
        d.ensureOpen();
        d.output().write("GET /chunked HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        RawHttpClient.Response unchunked = d.read();
        assertNull(unchunked.header("transfer-encoding"));
        assertEquals("web GET /chunkedweb GET /chunked", unchunked.body());

        // HTTP/1.0 with keep-alive asked for keeps its connection, and is told so.
        RawHttpClient k = client();
        RawHttpClient.Response kept = k.send("GET /k1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertEquals("keep-alive", kept.header("connection"));
        assertEquals("web GET /k2", k.send("GET /k2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").body());
        assertEquals(1, k.connectionsOpened);
    }

    @Test
    void deadServersAre503AfterRetriesAndRedispatchFindsTheLiveOne() throws Exception {
        HttpBackend live = backend("live");
        HostPort dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = new HostPort("127.0.0.1", s.getLocalPort());
        }
        apply(new HttpConfigs().retries(2).defaultBackend("web").backend("web", dead, live.address()), "r1");
        RawHttpClient c = client();
        for (int i = 0; i < 6; i++) {
            assertEquals("live GET /" + i, c.get("/" + i, "a").body(), "connect failures are retried elsewhere");
        }
        applyKeepingPort(new HttpConfigs().retries(1).defaultBackend("web").backend("web", dead), "r2");
        RawHttpClient.Response r = client().get("/", "a");
        assertEquals(503, r.status());
    }

    @Test
    void serverClosingWithoutAnswerIs502AndSilentServerIs504() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
                        Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(10), null, null, null))
                .defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient.Response closed = client().get("/close", "a");
        assertEquals(502, closed.status());
        assertTrue(closed.body().contains("502 Bad Gateway"));
        RawHttpClient.Response silent = client().get("/silent", "a");
        assertEquals(504, silent.status());
        assertTrue(silent.body().contains("504 Gateway Time-out"));
    }

    @Test
    void smugglingAttemptsAreRejectedAndNeverReachTheServer() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        String[] attacks = {
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabc",
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\nContent-Length: 35\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length0" + "a".repeat(255) + ":\r\nContent-Length: 35\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\n:\r\nContent-Length: 35\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET /admin HTTP/1.1\r\n\r\n0\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        };
        for (String attack : attacks) {
            RawHttpClient c = client();
            RawHttpClient.Response r = c.send(attack);
            assertEquals(400, r.status(), attack);
            assertTrue(r.closes(), attack);
        }
        assertEquals(0, web.rawBytes.get(), "not one byte of any attack reached the server");
        assertEquals("web GET /fine", client().get("/fine", "a").body());
    }

    @Test
    void bodiesAroundTheSizeCopiedBehindTheHeadArriveWholeAndInOrder() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        // "web GET /x..." bodies from 500 to 530 bytes, written with their head in one go:
        // below, at and above what fits behind the forwarded head; then larger ones.
        for (int size : new int[] {500, 505, 510, 511, 512, 513, 514, 515, 520, 530, 1024, 3000}) {
            String uri = "/x" + "a".repeat(size - "web GET /x".length());
            RawHttpClient.Response r = c.get(uri, "a");
            assertEquals(200, r.status());
            assertEquals("web GET " + uri, r.body(), "body of " + size + " bytes");
        }
        // Head and body written separately by the server (two reads at the proxy, or one).
        for (int n : new int[] {0, 1, 511, 512, 513, 70_000}) {
            RawHttpClient.Response r = c.get("/download?n=" + n, "a");
            assertEquals(200, r.status());
            assertEquals(n, r.body().length(), "download of " + n + " bytes");
        }
        assertEquals(1, c.connectionsOpened, "all on one keep-alive connection");
    }

    @Test
    void largeBodiesStreamBothWays() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        long size = 64L << 20;
        OutputStream out = c.output();
        out.write("POST /count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] piece = new byte[1 << 16];
        for (long sent = 0; sent < size; sent += piece.length) {
            out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(piece);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        assertEquals(Long.toString(size), c.read().body());

        // Download with a slow reader: the proxy must not buffer what the client has not read.
        c.ensureOpen();
        c.output().write(("GET /download?n=" + size + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        c.output().flush();
        RawHttpClient.Response r = c.read();
        assertEquals(200, r.status());
        assertEquals(size, r.body().length());
        assertEquals(1, web.connections.get());
    }

    @Test
    void retiredGenerationClosesAfterItsNextResponse() throws Exception {
        HttpBackend one = backend("one");
        HttpBackend two = backend("two");
        apply(new HttpConfigs().defaultBackend("web").backend("web", one.address()), "r1");
        RawHttpClient old = client();
        assertEquals("one GET /a", old.get("/a", "a").body());
        applyKeepingPort(new HttpConfigs().defaultBackend("web").backend("web", two.address()), "r2");
        assertTrue(runtime.boundAddresses("fe").size() == 1);
        // The idle keep-alive connection was not closed by the swap; its next request is
        // still served by its own generation, and that response retires it.
        RawHttpClient.Response last = old.get("/b", "a");
        assertEquals("one GET /b", last.body());
        assertTrue(last.closes(), "Connection: close on the first response after the swap");
        assertEquals("two GET /c", old.get("/c", "a").body(), "the next connection gets the new generation");
        assertEquals(2, old.connectionsOpened);
    }

    @Test
    void bodylessRequestOnAPooledConnectionTheServerDroppedIsResent() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        assertEquals("web GET /then-drop", c.get("/then-drop", "a").body());
        // The pooled server connection will drop the next request without answering.
        assertEquals("web GET /again", c.get("/again", "a").body());
        assertEquals(2, web.connections.get());
        // A request with a body is not resent: the client gets a 502.
        assertEquals("web GET /then-drop", c.get("/then-drop", "a").body());
        RawHttpClient.Response r = c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
        assertEquals(502, r.status());
    }

    @Test
    void acceptProxyTakesTheOriginalClientForRoutingAndForwardedFor() throws Exception {
        HttpBackend inside = backend("inside");
        HttpBackend outside = backend("outside");
        apply(new HttpConfigs().acceptProxy(true)
                .acl(new io.pointsman.proxy.config.Acl("pilot", new io.pointsman.proxy.config.AclMatch.Src(
                        List.of(io.pointsman.proxy.config.Cidr.parse("203.0.113.0/24")))))
                .use("inside", "pilot").defaultBackend("outside")
                .backend("inside", inside.address()).backend("outside", outside.address()), "r1");
        RawHttpClient c = client();
        RawHttpClient.Response r = c.send("PROXY TCP4 203.0.113.9 192.0.2.1 40000 80\r\n"
                + "GET /p HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("inside GET /p", r.body());
        assertEquals("203.0.113.9", r.header("x-seen-x-forwarded-for"));
        assertEquals("inside GET /q", c.get("/q", "a").body(), "later requests keep the proxied source");
        RawHttpClient other = client();
        assertEquals("outside GET /p", other.send("PROXY TCP4 198.51.100.1 192.0.2.1 40000 80\r\n"
                + "GET /p HTTP/1.1\r\nHost: a\r\n\r\n").body());
    }

    @Test
    void silentClientGets408AndIdleKeepAliveConnectionIsClosedQuietly() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
                        Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofMillis(300), null, null, null))
                .defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient silent = client();
        silent.ensureOpen();
        RawHttpClient.Response r = silent.read();
        assertEquals(408, r.status());
        assertTrue(r.body().contains("408 Request Time-out"));
        assertTrue(silent.closedByPeer());

        RawHttpClient idle = client();
        assertEquals("web GET /one", idle.get("/one", "a").body());
        assertTrue(idle.closedByPeer(), "closed after http_keep_alive without a response");
        assertEquals(1, web.requests.get());
    }

    @Test
    void requestsWaitInTheQueueWhileEveryServerIsAtMaxconn() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
                        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), null, null,
                        Duration.ofSeconds(20)))
                .defaultBackend("web").backendWithMaxconn("web", 1, web.address()), "r1");
        RawHttpClient a = client();
        RawHttpClient b = client();
        a.ensureOpen();
        a.output().write("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        io.pointsman.proxy.testing.Clients.await("a at the server", 10_000, () -> web.requests.get() == 1);
        b.ensureOpen();
        b.output().write("GET /b HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        io.pointsman.proxy.testing.Clients.await("b queued", 10_000,
                () -> runtime.stats().snapshot().backends().get("web").queueCurrent() == 1);
        assertEquals(1, web.requests.get(), "b waits for the slot instead of reaching the server");
        web.hold.complete(null);
        assertEquals("web GET /hold", a.read().body());
        assertEquals("web GET /b", b.read().body());
        assertEquals(0, runtime.stats().snapshot().backends().get("web").queueCurrent());
    }

    @Test
    void queueTimeoutIs503() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
                        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), null, null,
                        Duration.ofMillis(300)))
                .defaultBackend("web").backendWithMaxconn("web", 1, web.address()), "r1");
        RawHttpClient a = client();
        a.ensureOpen();
        a.output().write("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        io.pointsman.proxy.testing.Clients.await("a at the server", 10_000, () -> web.requests.get() == 1);
        RawHttpClient.Response r = client().get("/b", "a");
        assertEquals(503, r.status());
        web.hold.complete(null);
        assertEquals("web GET /hold", a.read().body());
    }

    @Test
    void onlyWebSocketUpgradesArePassedOnNotH2c() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        RawHttpClient.Response r = c.send("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n"
                + "Connection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
        assertEquals(200, r.status());
        assertNull(r.header("x-seen-upgrade"), "h2c upgrade not forwarded");
        assertNull(r.header("x-seen-http2-settings"), "named in Connection: hop-by-hop");
        assertNull(r.header("x-seen-connection"));
        assertEquals("web GET /next", c.get("/next", "a").body(), "still plain HTTP/1.1 afterwards");
    }

    @Test
    void badPipelinedRequestIsAnsweredAfterTheGoodOnesBeforeIt() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        c.ensureOpen();
        c.output().write(("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /c HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("web GET /a", c.read().body());
        assertEquals("web GET /b", c.read().body());
        RawHttpClient.Response bad = c.read();
        assertEquals(400, bad.status());
        assertTrue(bad.closes());
        assertTrue(c.closedByPeer());
        assertEquals(2, web.requests.get());
    }

    @Test
    void badChunkAfterTheHeadWentOnDropsTheServerConnectionAndAnswers400() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        c.ensureOpen();
        c.output().write("POST /count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        c.output().flush();
        io.pointsman.proxy.testing.Clients.await("request at the server", 10_000, () -> web.requests.get() == 1);
        c.output().write("zz\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        c.output().flush();
        RawHttpClient.Response r = c.read();
        assertEquals(400, r.status());
        assertTrue(c.closedByPeer());
        assertEquals(1, web.requests.get(), "the smuggled /admin never reached the server");
    }

    @Test
    void pipelinedRequestsWithBodiesAreAnsweredInOrder() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient c = client();
        c.ensureOpen();
        c.output().write(("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + "GET /last HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("3", c.read().body());
        assertEquals("5", c.read().body());
        assertEquals("web GET /last", c.read().body());
        assertEquals("web GET /after", c.get("/after", "a").body());
    }

    @Test
    void ambiguousOrGarbageServerResponsesAre502() throws Exception {
        String[] responses = {
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                "SSH-2.0-OpenSSH_9.6\r\n\r\n",
        };
        for (String reply : responses) {
            try (ServerSocket bad = new ServerSocket(0, 10, java.net.InetAddress.getByName("127.0.0.1"))) {
                Thread t = new Thread(() -> {
                    try (java.net.Socket s = bad.accept()) {
                        s.setSoTimeout(10_000);
                        java.io.InputStream in = s.getInputStream();
                        StringBuilder head = new StringBuilder();
                        while (!head.toString().endsWith("\r\n\r\n")) {
                            int ch = in.read();
                            if (ch < 0) {
                                return;
                            }
                            head.append((char) ch);
                        }
                        s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().flush();
                        in.read(); // hold the connection until the proxy closes it
                    } catch (IOException ignored) {
                        // the proxy closed: expected
                    }
                }, "bad-server");
                t.start();
                apply(new HttpConfigs().retries(0).defaultBackend("web")
                        .backend("web", new HostPort("127.0.0.1", bad.getLocalPort())), "r-" + reply.hashCode());
                RawHttpClient.Response r = client().get("/", "a");
                assertEquals(502, r.status(), reply);
                t.join(10_000);
            }
        }
    }

    @Test
    void withoutForwardforNoForwardedHeadersAreAdded() throws Exception {
        HttpBackend web = backend("web");
        apply(new HttpConfigs().forwardFor(false).defaultBackend("web").backend("web", web.address()), "r1");
        RawHttpClient.Response r = client().get("/", "a");
        assertNull(r.header("x-seen-x-forwarded-for"));
        assertNull(r.header("x-seen-x-forwarded-proto"));
        assertEquals("a", r.header("x-seen-host"), "Host passed on unchanged");
    }
}
