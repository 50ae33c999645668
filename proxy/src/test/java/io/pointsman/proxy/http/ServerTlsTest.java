package io.pointsman.proxy.http;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.pointsman.proxy.health.CheckCode;
import io.pointsman.proxy.health.HealthSnapshot;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestPki;
import io.pointsman.proxy.testing.YamlConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS to servers (SPEC §9): a backend's {@code tls:} verifies servers against its CA and
 * the name in SNI, presents a client certificate when asked, keeps pooled connections, and
 * a server that fails verification is a failed connect (503, counted); checks speak TLS too.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServerTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki other;
    static TestPki.Issued site;
    static TestPki.Issued localhost;
    static TestPki.Issued wrongName;
    static TestPki.Issued expired;
    static TestPki.Issued proxyClient;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.create(dir, "servers");
        other = TestPki.create(dir, "elsewhere");
        site = pki.server("site", "api.internal");
        localhost = pki.server("localhost", "localhost");
        wrongName = pki.server("wrong", "other.internal");
        expired = pki.expiredServer("expired", "api.internal");
        proxyClient = pki.client("proxy", "/CN=pointsman");
    }

    static ProxyRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void aVerifiedServerGetsTheRequestWithTheSniAndPooledConnectionsAreReused() throws Exception {
        try (HttpBackend api = new HttpBackend("api", serverContext(site, null))) {
            int port = apply("{ ca: " + pki.caCert() + ", sni: api.internal }", api, "http_reuse: always");
            try (Socket s = client(port)) {
                for (int i = 0; i < 5; i++) {
                    String r = get(s, "/r" + i, true);
                    assertTrue(r.startsWith("HTTP/1.1 200"), r);
                    assertTrue(r.endsWith("api GET /r" + i), r);
                    assertEquals("api.internal", header(r, "x-tls-sni"));
                }
            }
            assertEquals(1, api.connections.get(), "five requests, one TLS connection, kept and reused");
        }
    }

    @Test
    void withoutSniTheServersHostNameIsSentAndChecked() throws Exception {
        try (HttpBackend api = new HttpBackend("api", serverContext(localhost, null))) {
            int port = apply("{ ca: " + pki.caCert() + " }", "localhost:" + api.address().port(), "");
            String r = oneGet(port);
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
            assertEquals("localhost", header(r, "x-tls-sni"));
        }
    }

    @Test
    void aServerThatFailsVerificationIsAFailedConnect() throws Exception {
        assertRefused(wrongName, "{ ca: " + pki.caCert() + ", sni: api.internal }", "a certificate for another name");
        assertRefused(expired, "{ ca: " + pki.caCert() + ", sni: api.internal }", "an expired certificate");
        assertRefused(site, "{ ca: " + other.caCert() + ", sni: api.internal }", "another CA's certificate");
    }

    @Test
    void verifyNoneAcceptsAnyCertificate() throws Exception {
        try (HttpBackend api = new HttpBackend("api", serverContext(wrongName, null))) {
            String r = oneGet(apply("{ verify: none }", api, ""));
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
        }
    }

    @Test
    void aClientCertificateIsPresentedToServersThatAskForOne() throws Exception {
        try (HttpBackend api = new HttpBackend("api", serverContext(site, pki.caCert()))) {
            String with = oneGet(apply("{ ca: " + pki.caCert() + ", sni: api.internal, cert: " + proxyClient.cert()
                    + ", key: " + proxyClient.key() + " }", api, ""));
            assertTrue(with.startsWith("HTTP/1.1 200"), with);
            assertEquals("CN=pointsman", header(with, "x-tls-client"));
            String without = oneGet(apply("{ ca: " + pki.caCert() + ", sni: api.internal }", api, ""));
            // In TLS 1.3 the server's refusal comes after the client has finished: 502, not 503.
            assertTrue(without.startsWith("HTTP/1.1 502") || without.startsWith("HTTP/1.1 503"),
                    "the server refuses the handshake: " + without);
        }
    }

    @Test
    void aServerWithTlsFalseIsPlain() throws Exception {
        try (HttpBackend plain = new HttpBackend("plain")) {
            int port = Clients.freePort();
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                    version: 1
                    frontends:
                      - { name: fe, bind: "127.0.0.1:%d", default_backend: api }
                    backends:
                      - name: api
                        tls: { ca: %s }
                        servers: [ { name: legacy, address: "%s", tls: false } ]
                    """.formatted(port, pki.caCert(), plain.address())), "plain"));
            String r = oneGet(port);
            assertTrue(r.endsWith("plain GET /x"), r);
        }
    }

    @Test
    void checksSpeakTlsUnlessToldNotTo() throws Exception {
        try (ProxyRuntime checked = ProxyRuntime.builder().threads(1).build().start();
             HttpBackend api = new HttpBackend("api", serverContext(site, null))) {
            String config = """
                    version: 1
                    frontends:
                      - { name: fe, bind: "127.0.0.1:%d", default_backend: api }
                    backends:
                      - name: api
                        check: { type: http, path: /health, interval: 200ms, rise: 1, fall: 1%s }
                        tls: { ca: %s, sni: api.internal }
                        servers: [ { name: a, address: "%s", check: true } ]
                    """;
            assertInstanceOf(ApplyResult.Applied.class, checked.apply(YamlConfigs.load(config.formatted(
                    Clients.freePort(), "", pki.caCert(), api.address())), "tls-checks"));
            HealthSnapshot up = awaitCheck(checked, api, CheckCode.L7OK);
            assertTrue(up.up(), up.toString());

            assertInstanceOf(ApplyResult.Applied.class, checked.apply(YamlConfigs.load(config.formatted(
                    Clients.freePort(), ", tls: false", pki.caCert(), api.address())), "plain-checks"));
            HealthSnapshot down = awaitCheck(checked, api, CheckCode.L7RSP);
            assertTrue(!down.up(), "a plain check against a TLS port fails: " + down);
        }
    }

    @Test
    void aCheckOfAServerThatFailsVerificationFailsAtLayer6() throws Exception {
        try (ProxyRuntime checked = ProxyRuntime.builder().threads(1).build().start();
             HttpBackend api = new HttpBackend("api", serverContext(wrongName, null))) {
            assertInstanceOf(ApplyResult.Applied.class, checked.apply(YamlConfigs.load("""
                    version: 1
                    frontends:
                      - { name: fe, bind: "127.0.0.1:%d", default_backend: api }
                    backends:
                      - name: api
                        check: { interval: 200ms, rise: 1, fall: 1 }
                        tls: { ca: %s, sni: api.internal }
                        servers: [ { name: a, address: "%s", check: true } ]
                    """.formatted(Clients.freePort(), pki.caCert(), api.address())), "l6"));
            HealthSnapshot down = awaitCheck(checked, api, CheckCode.L6RSP);
            assertTrue(!down.up(), down.toString());
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private void assertRefused(TestPki.Issued serverCert, String tls, String what) throws Exception {
        try (HttpBackend api = new HttpBackend("api", serverContext(serverCert, null))) {
            int port = apply(tls, api, "retries: 1");
            long errors = runtime.current().backend("api").counters().snapshot().connectErrors();
            String r = oneGet(port);
            assertTrue(r.startsWith("HTTP/1.1 503"), what + ": " + r);
            assertEquals(errors + 2, runtime.current().backend("api").counters().snapshot().connectErrors(),
                    what + ": both attempts counted as connect errors");
        }
    }

    private static SslContext serverContext(TestPki.Issued cert, Path clientCa) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(cert.cert().toFile(), cert.key().toFile())
                .sslProvider(SslProvider.JDK);
        if (clientCa != null) {
            b.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
        }
        return b.build();
    }

    private int apply(String tls, HttpBackend server, String backendExtra) throws Exception {
        return apply(tls, server.address().toString(), backendExtra);
    }

    /** A plain http frontend on a new port in front of backend {@code api} with {@code tls} to its one server. */
    private int apply(String tls, String server, String backendExtra) throws Exception {
        int port = Clients.freePort();
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                version: 1
                frontends:
                  - { name: fe, bind: "127.0.0.1:%d", default_backend: api }
                backends:
                  - name: api
                    %s
                    tls: %s
                    servers: [ { name: a, address: "%s" } ]
                """.formatted(port, backendExtra, tls, server)), "r"));
        return port;
    }

    private static HealthSnapshot awaitCheck(ProxyRuntime r, HttpBackend server, CheckCode code) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HealthSnapshot last = null;
        while (System.nanoTime() < deadline) {
            last = r.health().state("api", server.address().toString()).snapshot();
            if (last.lastCheck() != null && last.lastCheck().code() == code) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + code + " check: " + last);
    }

    private static Socket client(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(15_000);
        return s;
    }

    private static String oneGet(int port) throws Exception {
        try (Socket s = client(port)) {
            return get(s, "/x", false);
        }
    }

    /** One request; with {@code keepAlive} reads exactly one response (Content-Length framed). */
    private static String get(Socket s, String path, boolean keepAlive) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: www.example\r\n" + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        if (!keepAlive) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        String head = RawHttpClient.readHead(in);
        int at = head.toLowerCase(Locale.ROOT).indexOf("content-length:");
        int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).trim());
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }
}
