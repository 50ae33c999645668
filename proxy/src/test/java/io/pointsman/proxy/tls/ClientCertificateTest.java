package io.pointsman.proxy.tls;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.FrontendPipeline;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.HaproxyProcess;
import io.pointsman.proxy.testing.SClient;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Client certificates ({@code client_ca}, {@code verify}, {@code crl}) against HAProxy 2.6's
 * {@code ca-file}, {@code verify}, {@code crl-file}: the same clients get in or are refused
 * alike; and the handshake's {@link TlsFacts} as a connection's handlers read them.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClientCertificateTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki other;
    static TestPki.Issued site;
    static Path combined;
    static TestPki.Issued alice;
    static TestPki.Issued bob;
    static TestPki.Issued expired;
    static TestPki.Issued stranger;
    static Path crl;
    static ProxyRuntime runtime;
    static TestServer greeter;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir, "clients");
        other = TestPki.create(dir, "other");
        site = pki.server("site", "site.example");
        combined = site.combined(dir.resolve("site-combined.pem"));
        alice = pki.client("alice", "/CN=alice/O=Example");
        bob = pki.client("bob", "/CN=bob/O=Example");
        expired = pki.expiredClient("carol", "/CN=carol/O=Example");
        stranger = other.client("mallory", "/CN=mallory");
        pki.revoke(bob);
        crl = pki.crl("clients.crl");
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
        greeter = TestServer.greeting("hello");
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (greeter != null) {
            greeter.close();
        }
    }

    @Test
    void verifyRequiredLetsInOnlyAValidCertificateOfTheCa() throws Exception {
        String tls = "{ cert: " + combined + ", client_ca: " + pki.caCert() + ", verify: required, crl: " + crl + " }";
        String haproxy = "ca-file " + pki.caCert() + " verify required crl-file " + crl;
        assertTrue(same(tls, haproxy, alice), "alice: issued by the CA, not revoked");
        assertFalse(same(tls, haproxy, null), "no certificate");
        assertFalse(same(tls, haproxy, bob), "bob: revoked in the CRL");
        assertFalse(same(tls, haproxy, expired), "carol: expired");
        assertFalse(same(tls, haproxy, stranger), "mallory: another CA's");
    }

    @Test
    void verifyOptionalLetsInClientsWithoutACertificateButStillChecksOneThatIsSent() throws Exception {
        String tls = "{ cert: " + combined + ", client_ca: " + pki.caCert() + ", verify: optional }";
        String haproxy = "ca-file " + pki.caCert() + " verify optional";
        assertTrue(same(tls, haproxy, null), "no certificate");
        assertTrue(same(tls, haproxy, alice), "a valid one");
        assertFalse(same(tls, haproxy, stranger), "an invalid one is refused even when optional");
        assertFalse(same(tls, haproxy, expired), "an expired one too");
    }

    @Test
    void aCrlNeedsToCoverEveryCaOfTheChainAsInHaproxy() throws Exception {
        // The CRL of another CA: nothing says whether alice's certificate is revoked.
        Path otherCrl = other.crl("other.crl");
        String tls = "{ cert: " + combined + ", client_ca: " + pki.caCert() + ", verify: required, crl: " + otherCrl
                + " }";
        assertFalse(same(tls, "ca-file " + pki.caCert() + " verify required crl-file " + otherCrl, alice));
    }

    @Test
    void theHandshakesFactsAreOnTheConnectionForItsHandlers() throws Exception {
        int port = Clients.freePort();
        try (ProxyRuntime facts = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP)
                .pipeline(Mode.TCP, new FactsPipeline()).build().start()) {
            assertInstanceOf(ApplyResult.Applied.class, facts.apply(YamlConfigs.load("""
                    version: 1
                    listens:
                      - name: l
                        mode: tcp
                        bind:
                          - address: "127.0.0.1:%d"
                            tls: { cert: %s, key: %s, client_ca: %s, verify: optional, alpn: [h2, http/1.1] }
                        servers: [ { name: s, address: "127.0.0.1:9" } ]
                    """.formatted(port, site.cert(), site.key(), pki.caCert())), "facts"));
            TlsClient client = TlsClient.withClientCertificate(pki.caCert(), alice.cert(), alice.key());
            try (SSLSocket s = client.connect(port, "site.example")) {
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertEquals("TLSv1.3|TLS_AES_128_GCM_SHA256|site.example|null|O=Example,CN=alice|0|true", line
                        .replaceAll("\\|TLS_[A-Z0-9_]+\\|", "|TLS_AES_128_GCM_SHA256|"));
            }
            try (SSLSocket s = TlsClient.trusting(pki.caCert()).protocols("TLSv1.2").connect(port, null)) {
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertTrue(line.startsWith("TLSv1.2|ECDHE-ECDSA-"), line);
                assertTrue(line.endsWith("|null|null|null|0|false"), "no SNI, no ALPN, no client certificate: " + line);
            }
        }
    }

    /** Tells each client what its handshake established, then closes. */
    private static final class FactsPipeline implements FrontendPipeline {
        @Override
        public void init(Channel client, ConnectionContext cx) {
            ClientTls.add(client.pipeline(), cx.tls(), 5000);
            client.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    ctx.read();
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                        TlsFacts f = TlsFacts.of(ctx.channel());
                        String line = f.protocol() + "|" + f.cipher() + "|" + f.sni() + "|" + f.alpn() + "|"
                                + (f.clientCertificate() == null ? null
                                        : f.clientCertificate().getSubjectX500Principal().getName())
                                + "|" + f.clientVerify() + "|" + f.clientVerified() + "\n";
                        ctx.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                }
            });
        }
    }

    /**
     * Whether a client with {@code cert} (null: none) gets the server's greeting through a
     * tcp listen with {@code tls}, checked to be what HAProxy with {@code bind … ssl crt
     * combined.pem OPTIONS} answers the same client.
     */
    private boolean same(String tls, String haproxyBind, TestPki.Issued cert) throws Exception {
        int port = Clients.freePort();
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                version: 1
                listens:
                  - name: l
                    mode: tcp
                    bind: { address: "127.0.0.1:%d", tls: %s }
                    servers: [ { name: s, address: "127.0.0.1:%d" } ]
                """.formatted(port, tls, greeter.port())), "case"));
        // TLS 1.2: a refused certificate ends the handshake itself (in TLS 1.3 the client has
        // finished before the server's verdict, and s_client reports that later, or not at all).
        List<String> options = new ArrayList<>(List.of("-tls1_2", "-ign_eof", "-CAfile", pki.caCert().toString()));
        if (cert != null) {
            options.addAll(List.of("-cert", cert.cert().toString(), "-key", cert.key().toString()));
        }
        SClient.Result ours = SClient.connect(port, "", options.toArray(new String[0]));
        boolean in = ours.received("hello");
        assumeTrue(HaproxyProcess.available(), "HAProxy 2.6 not installed: no differential");
        int hport = Clients.freePort();
        try (HaproxyProcess h = HaproxyProcess.start(dir, """
                global
                    nbthread 1
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 10s
                    timeout server 10s
                listen l
                    bind 127.0.0.1:%d ssl crt %s %s
                    server s 127.0.0.1:%d
                """.formatted(hport, combined, haproxyBind, greeter.port()), hport)) {
            SClient.Result theirs = SClient.connect(hport, "", options.toArray(new String[0]));
            assertEquals(theirs.received("hello"), in,
                    "\n--- pointsman:\n" + ours.output() + "\n--- haproxy:\n" + theirs.output());
        }
        return in;
    }
}
