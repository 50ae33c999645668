package io.pointsman.proxy.tls;

import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestPki;
import io.pointsman.proxy.testing.TestServer;
import io.pointsman.proxy.testing.TlsClient;
import io.pointsman.proxy.testing.YamlConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** TLS termination in tcp mode: the client speaks TLS, the server gets plaintext. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpTlsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Issued site;
    static TestPki.Issued api;
    static ProxyRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir, "tcp");
        site = pki.server("site", "tcp.example");
        api = pki.server("api", "api.example");
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** The fault of issue 14: such a listen validated and relayed the client's ciphertext. */
    @Test
    void aTcpListenWithTlsDecryptsAndRelaysPlaintext() throws Exception {
        int port = Clients.freePort();
        try (TestServer echo = TestServer.echo("plain")) {
            Tls tls = new Tls(site.cert().toString(), site.key().toString(), List.of());
            Listen l = new Listen("tunnel", Mode.TCP, List.of(Bind.plain(HostPort.parse("127.0.0.1:" + port))), tls,
                    null, null, null, null, null, null, null, null, null,
                    List.of(new Server("s", echo.address(), null, null, null, null, null)));
            ProxyConfig c = Normalizer.normalize(new ProxyConfig(1, null, null, null, List.of(), List.of(), List.of(l),
                    null, null));
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(c, "r1"));
            try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "tcp.example")) {
                BufferedReader in = reader(s);
                assertEquals("plain", in.readLine(), "the server's plaintext greeting, encrypted to the client");
                s.getOutputStream().write("hello through tls\n".getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                assertEquals("hello through tls", in.readLine(), "echoed as plaintext by the server");
            }
        }
    }

    /** The server's FIN reaches a TLS client as close_notify then FIN, after every byte before it. */
    @Test
    void theServersEndReachesTheClientAsACleanTlsEnd() throws Exception {
        int port = Clients.freePort();
        try (TestServer greeter = TestServer.greeting("bye")) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                    version: 1
                    listens:
                      - name: l
                        mode: tcp
                        bind: { address: "127.0.0.1:%d", tls: { cert: %s, key: %s } }
                        servers: [ { name: s, address: "%s" } ]
                    """.formatted(port, site.cert(), site.key(), greeter.address())), "end"));
            try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "tcp.example")) {
                BufferedReader in = reader(s);
                assertEquals("bye", in.readLine());
                assertEquals(null, in.readLine(), "a clean end of stream (close_notify), not a truncation");
            }
        }
    }

    @Test
    void sniAclsRouteOnTheNameOfTheHandshakeItTerminates() throws Exception {
        int port = Clients.freePort();
        try (TestServer a = TestServer.echo("api"); TestServer other = TestServer.echo("other")) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                    version: 1
                    frontends:
                      - name: tls-in
                        mode: tcp
                        bind: { address: "127.0.0.1:%d", tls: { cert: %s, certificates: [ { cert: %s, key: %s } ], key: %s } }
                        acl: [ { name: is-api, sni: [api.example] } ]
                        use_backend: [ { backend: api, if: is-api } ]
                        default_backend: other
                    backends:
                      - { name: api, mode: tcp, servers: [ { name: a, address: "%s" } ] }
                      - { name: other, mode: tcp, servers: [ { name: o, address: "%s" } ] }
                    """.formatted(port, site.cert(), api.cert(), api.key(), site.key(), a.address(),
                    other.address())), "sni"));
            try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "api.example")) {
                assertEquals("CN=api.example", TlsClient.peerSubject(s), "the certificate picked by SNI");
                assertEquals("api", reader(s).readLine(), "routed by the sni acl");
            }
            try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "tcp.example")) {
                assertEquals("CN=tcp.example", TlsClient.peerSubject(s));
                assertEquals("other", reader(s).readLine());
            }
        }
    }

    /** A tcp listen that terminates TLS and speaks TLS again to its server, verifying it (HAProxy {@code ssl} on both sides). */
    @Test
    void aTcpListenReEncryptsToItsServer() throws Exception {
        int port = Clients.freePort();
        io.netty.handler.ssl.SslContext serverSide = io.netty.handler.ssl.SslContextBuilder
                .forServer(api.cert().toFile(), api.key().toFile()).build();
        try (TestServer secure = TestServer.echoTls("secure", serverSide)) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                    version: 1
                    listens:
                      - name: bridge
                        mode: tcp
                        bind: { address: "127.0.0.1:%d", tls: { cert: %s, key: %s } }
                        server_tls: { ca: %s, sni: api.example }
                        servers: [ { name: s, address: "%s" } ]
                    """.formatted(port, site.cert(), site.key(), pki.caCert(), secure.address())), "bridge"));
            try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "tcp.example")) {
                BufferedReader in = reader(s);
                assertEquals("secure", in.readLine());
                s.getOutputStream().write("round trip\n".getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                assertEquals("round trip", in.readLine());
            }
        }
    }

    /** HAProxy's {@code accept-proxy ssl}: the PROXY header comes first, in clear, then the handshake. */
    @Test
    void aProxyProtocolHeaderIsReadBeforeTheHandshake() throws Exception {
        int port = Clients.freePort();
        try (TestServer office = TestServer.echo("office"); TestServer rest = TestServer.echo("rest")) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                    version: 1
                    frontends:
                      - name: behind-lb
                        mode: tcp
                        accept_proxy: true
                        bind: { address: "127.0.0.1:%d", tls: { cert: %s, key: %s } }
                        acl: [ { name: office, src: ["198.51.100.0/24"] } ]
                        use_backend: [ { backend: office, if: office } ]
                        default_backend: rest
                    backends:
                      - { name: office, mode: tcp, servers: [ { name: a, address: "%s" } ] }
                      - { name: rest, mode: tcp, servers: [ { name: o, address: "%s" } ] }
                    """.formatted(port, site.cert(), site.key(), office.address(), rest.address())), "proxy"));
            assertEquals("office", throughProxyHeader(port, "198.51.100.7"));
            assertEquals("rest", throughProxyHeader(port, "203.0.113.9"));
        }
    }

    /** Sends a PROXY v1 header for {@code source}, then handshakes on the same socket; the first line back. */
    private static String throughProxyHeader(int port, String source) throws Exception {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        raw.setSoTimeout(10_000);
        raw.getOutputStream().write(("PROXY TCP4 " + source + " 127.0.0.1 40000 " + port + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        raw.getOutputStream().flush();
        try (SSLSocket s = TlsClient.trusting(pki.caCert()).over(raw, "tcp.example")) {
            return reader(s).readLine();
        }
    }

    private static BufferedReader reader(SSLSocket s) throws Exception {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }
}
