package io.pointsman.proxy.http;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Balance;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.HttpReuse;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.stats.CountersSnapshot;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.StalledListener;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The backend-side HTTP options (SPEC §8) on real sockets: {@code http_reuse},
 * {@code retry_on} and {@code abortonclose}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackendHttpOptionsTest {
    private final int port = Clients.freePort();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ProxyRuntime runtime;
    private ByteArrayOutputStream log;
    private PrintStream originalErr;

    @BeforeEach
    void start() {
        originalErr = System.err;
        log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        runtime.close();
        System.setErr(originalErr);
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    private void apply(HttpConfigs config) {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config.build("127.0.0.1:" + port), "r1"));
    }

    private RawHttpClient client() {
        return closing(new RawHttpClient(new InetSocketAddress("127.0.0.1", port)));
    }

    private CountersSnapshot backend() {
        return runtime.stats().snapshot().backends().get("web");
    }

    private CountersSnapshot server(HostPort address) {
        return runtime.stats().snapshot().servers().get("web/" + address);
    }

    private void awaitLogLine(String what, String part) {
        await(what, 10_000, () -> log.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.contains(part)));
    }

    // ---- http_reuse ----------------------------------------------------------------------

    @Test
    void safeGivesAClientConnectionsFirstRequestAServerConnectionOfItsOwn() throws Exception {
        HttpBackend web = closing(new HttpBackend("web"));
        apply(new HttpConfigs().defaultBackend("web").backend("web", web.address()));
        RawHttpClient first = client();
        assertEquals("web GET /a", first.get("/a", "h").body());
        assertEquals(1, web.connections.get());
        RawHttpClient second = client();
        assertEquals("web GET /b", second.get("/b", "h").body());
        assertEquals(2, web.connections.get(), "a first request never takes an idle connection");
        assertEquals("web GET /c", second.get("/c", "h").body());
        assertEquals("web GET /d", first.get("/d", "h").body());
        assertEquals(2, web.connections.get(), "later requests take idle ones");
    }

    @Test
    void alwaysLetsAFirstRequestTakeAnIdleConnection() throws Exception {
        HttpBackend web = closing(new HttpBackend("web"));
        apply(new HttpConfigs().httpReuse(HttpReuse.ALWAYS).defaultBackend("web").backend("web", web.address()));
        assertEquals("web GET /a", client().get("/a", "h").body());
        assertEquals("web GET /b", client().get("/b", "h").body());
        assertEquals("web GET /c", client().get("/c", "h").body());
        assertEquals(1, web.connections.get());
    }

    @Test
    void neverClosesEveryServerConnectionAndSaysSo() throws Exception {
        HttpBackend web = closing(new HttpBackend("web"));
        apply(new HttpConfigs().httpReuse(HttpReuse.NEVER).defaultBackend("web").backend("web", web.address()));
        RawHttpClient c = client();
        for (int i = 0; i < 3; i++) {
            RawHttpClient.Response r = c.get("/n" + i, "h");
            assertEquals("web GET /n" + i, r.body());
            assertEquals("close", r.header("x-seen-connection"), "the server is told");
            assertNull(r.header("connection"), "the client side stays keep-alive");
        }
        assertEquals(1, c.connectionsOpened);
        assertEquals(3, web.connections.get());
        await("server connections closed", 5000, () -> server(web.address()).current() == 0);
    }

    // ---- retry_on ------------------------------------------------------------------------

    @Test
    void aRetryableStatusIsRetriedOnAnotherServer() throws Exception {
        ScriptedServer failing = closing(ScriptedServer.status(503));
        HttpBackend good = closing(new HttpBackend("good"));
        apply(new HttpConfigs().balance(Balance.FIRST).retryOn("conn_failure", "503").defaultBackend("web")
                .backend("web", failing.address(), good.address()));
        RawHttpClient c = client();
        assertEquals("good GET /x", c.get("/x", "h").body());
        assertEquals(1, failing.requests.get());
        assertEquals(1, backend().redispatches());
        assertEquals(1, server(failing.address()).redispatches());
        assertEquals(0, backend().responses5xx(), "the 503 never reached the client");
        // Not for a method that is not idempotent, nor for a request with a body.
        assertEquals(503, c.send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").status());
        assertEquals(503, c.send("PUT /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi").status());
        assertEquals(3, failing.requests.get());
        assertEquals(1, backend().redispatches());
    }

    @Test
    void theLastAttemptsAnswerIsForwarded() throws Exception {
        ScriptedServer one = closing(ScriptedServer.status(503));
        ScriptedServer two = closing(ScriptedServer.status(503));
        apply(new HttpConfigs().retries(1).balance(Balance.FIRST).retryOn("503").defaultBackend("web")
                .backend("web", one.address(), two.address()));
        assertEquals(503, client().get("/x", "h").status());
        assertEquals(1, one.requests.get());
        assertEquals(1, two.requests.get());
    }

    @Test
    void anEmptyResponseIsRetriedOnlyWhenAsked() throws Exception {
        ScriptedServer closes = closing(ScriptedServer.closing());
        HttpBackend good = closing(new HttpBackend("good"));
        apply(new HttpConfigs().balance(Balance.FIRST).defaultBackend("web")
                .backend("web", closes.address(), good.address()));
        assertEquals(502, client().get("/x", "h").status(), "the default retry_on is conn_failure only");
        apply(new HttpConfigs().balance(Balance.FIRST).retryOn("empty_response").defaultBackend("web")
                .backend("web", closes.address(), good.address()));
        assertEquals("good GET /y", client().get("/y", "h").body());
        assertEquals(2, closes.requests.get());
    }

    @Test
    void aResponseTimeoutIsRetried() throws Exception {
        ScriptedServer silent = closing(ScriptedServer.silent());
        HttpBackend good = closing(new HttpBackend("good"));
        apply(new HttpConfigs().timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30),
                        Duration.ofMillis(300), Duration.ofSeconds(10), Duration.ofSeconds(10), null, null, null))
                .balance(Balance.FIRST).retryOn("response_timeout").defaultBackend("web")
                .backend("web", silent.address(), good.address()));
        assertEquals("good GET /x", client().get("/x", "h").body());
        assertEquals(1, silent.requests.get());
        assertEquals(0, backend().responseErrors(), "a retried timeout is not a failed response");
    }

    @Test
    void aJunkResponseIsRetried() throws Exception {
        ScriptedServer junk = closing(ScriptedServer.garbage());
        HttpBackend good = closing(new HttpBackend("good"));
        apply(new HttpConfigs().balance(Balance.FIRST).retryOn("junk_response").defaultBackend("web")
                .backend("web", junk.address(), good.address()));
        assertEquals("good GET /x", client().get("/x", "h").body());
        assertEquals(1, server(junk.address()).responseErrors(), "counted as HAProxy counts it");
    }

    @Test
    void withoutConnFailureAFailedConnectIsNotRetried() throws Exception {
        HostPort dead = new HostPort("127.0.0.1", Clients.deadPort());
        HttpBackend good = closing(new HttpBackend("good"));
        apply(new HttpConfigs().balance(Balance.FIRST).retryOn("503").defaultBackend("web")
                .backend("web", dead, good.address()));
        assertEquals(503, client().get("/x", "h").status());
        assertEquals(1, backend().connectErrors());
        assertEquals(0, backend().redispatches() + backend().retries());
        assertEquals(0, good.requests.get());
        // One line with both (another line may hold " 503 " somewhere else, e.g. as a byte count).
        await("a 503 ... SC line", 10_000, () -> log.toString(StandardCharsets.UTF_8).lines()
                .anyMatch(l -> l.contains(" 503 ") && l.contains(" SC ")));
    }

    // ---- abortonclose --------------------------------------------------------------------

    private static String readAll(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void abortOnCloseDropsAQueuedRequestWhileTheDefaultServesIt() throws Exception {
        HttpBackend web = closing(new HttpBackend("web"));
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);
        apply(new HttpConfigs().abortOnClose(true).defaultBackend("web").backendWithMaxconn("web", 1,
                web.address()));
        try (Socket holder = RawHttpClient.sendGet(proxy, "/hold"); Socket queued = RawHttpClient.sendGet(proxy, "/q")) {
            await("queued", 5000, () -> backend().queueCurrent() == 1);
            queued.shutdownOutput();
            assertEquals("", readAll(queued), "closed without an answer");
            await("the queue left", 5000, () -> backend().queueCurrent() == 0);
            awaitLogLine("a CQ line", " -1 0 CQ ");
            web.hold.complete(null);
            assertTrue(RawHttpClient.readHead(holder.getInputStream()).startsWith("HTTP/1.1 200"));
        }
        assertEquals(1, web.requests.get(), "the dropped request never reached the server");
    }

    @Test
    void withoutAbortOnCloseAQueuedRequestWhoseClientSentFinIsServed() throws Exception {
        HttpBackend web = closing(new HttpBackend("web"));
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);
        apply(new HttpConfigs().defaultBackend("web").backendWithMaxconn("web", 1, web.address()));
        try (Socket holder = RawHttpClient.sendGet(proxy, "/hold"); Socket queued = RawHttpClient.sendGet(proxy, "/q")) {
            await("queued", 5000, () -> backend().queueCurrent() == 1);
            queued.shutdownOutput();
            web.hold.complete(null);
            String response = readAll(queued);
            assertTrue(response.startsWith("HTTP/1.1 200") && response.endsWith("web GET /q"), response);
            assertTrue(RawHttpClient.readHead(holder.getInputStream()).startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void abortOnCloseDropsARequestWhileItsServerConnectionIsMade() throws Exception {
        StalledListener stalled = closing(new StalledListener());
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);
        apply(new HttpConfigs().timeouts(new Timeouts(Duration.ofSeconds(20), Duration.ofSeconds(30),
                        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), null, null, null))
                .abortOnClose(true).defaultBackend("web").backend("web", stalled.address()));
        try (Socket s = RawHttpClient.sendGet(proxy, "/c")) {
            await("connecting", 5000, () -> server(stalled.address()).current() == 1);
            s.shutdownOutput();
            assertEquals("", readAll(s));
        }
        awaitLogLine("a CC line", " -1 0 CC ");
        await("the slot given back", 5000, () -> server(stalled.address()).current() == 0);
    }

    @Test
    void abortOnCloseAnswers400ToAClientThatLeavesWhileTheServerThinks() throws Exception {
        HttpBackend web = closing(new HttpBackend("web"));
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);
        apply(new HttpConfigs().abortOnClose(true).defaultBackend("web").backend("web", web.address()));
        try (Socket s = RawHttpClient.sendGet(proxy, "/silent")) {
            await("at the server", 5000, () -> web.requests.get() == 1);
            s.shutdownOutput();
            String response = readAll(s);
            assertTrue(response.startsWith("HTTP/1.1 400 Bad request"), response); // HAProxy's wording
        }
        awaitLogLine("a CH line", " 400 ");
        assertTrue(log.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.contains(" CH ")), log.toString());
        await("the server connection dropped", 5000, () -> server(web.address()).current() == 0);
    }
}
