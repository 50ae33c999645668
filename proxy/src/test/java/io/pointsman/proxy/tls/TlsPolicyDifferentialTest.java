package io.pointsman.proxy.tls;

import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.HaproxyProcess;
import io.pointsman.proxy.testing.SClient;
import io.pointsman.proxy.testing.TestPki;
import io.pointsman.proxy.testing.TestServer;
import io.pointsman.proxy.testing.YamlConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS policy (versions, ciphers, ALPN, tickets) on a tcp listen, side by side with HAProxy
 * 2.6 given the same certificate and the equivalent {@code bind … ssl} options: the same
 * {@code openssl s_client} runs must connect or fail alike and negotiate the same thing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TlsPolicyDifferentialTest {
    @TempDir
    static Path dir;
    static TestPki.Issued site;
    static Path combined;
    static Path ca;
    static ProxyRuntime runtime;
    static TestServer echo;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create(dir, "policy");
        ca = pki.caCert();
        site = pki.server("site", "site.example");
        combined = site.combined(dir.resolve("site-combined.pem"));
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
        echo = TestServer.echo("hello");
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void defaultsOfferTls12AndTls13AndNothingOlder() throws Exception {
        same("{ cert: " + site.cert() + ", key: " + site.key() + " }", "", "-tls1_2");
        same("{ cert: " + site.cert() + ", key: " + site.key() + " }", "", "-tls1_3");
        SClient.Result old = same("{ cert: " + site.cert() + ", key: " + site.key() + " }", "",
                "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertFalse(old.connected(), old.output());
    }

    @Test
    void aClientBelowMinVersionIsRefusedInTheHandshake() throws Exception {
        SClient.Result r = same("{ cert: " + combined + ", min_version: TLSv1.3 }", "ssl-min-ver TLSv1.3", "-tls1_2");
        assertFalse(r.connected(), r.output());
        SClient.Result ok = same("{ cert: " + combined + ", min_version: TLSv1.3 }", "ssl-min-ver TLSv1.3",
                "-tls1_3");
        assertEquals("TLSv1.3", ok.protocol());
    }

    @Test
    void ciphersLimitTls12AndTheServersOrderWins() throws Exception {
        String ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256";
        String tls = "{ cert: " + combined + ", ciphers: \"" + ciphers + "\" }";
        SClient.Result refused = same(tls, "ciphers " + ciphers, "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305");
        assertFalse(refused.connected(), refused.output());
        SClient.Result picked = same(tls, "ciphers " + ciphers, "-tls1_2", "-cipher",
                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384");
        assertEquals("ECDHE-ECDSA-AES256-GCM-SHA384", picked.cipher());
        // An OpenSSL cipher string with aliases and exclusions, as HAProxy configs write them.
        String rule = "ECDHE+AESGCM:!aNULL:!MD5:!DSS";
        SClient.Result alias = same("{ cert: " + combined + ", ciphers: \"" + rule + "\" }", "ciphers " + rule,
                "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305");
        assertFalse(alias.connected(), alias.output());
    }

    @Test
    void alpnOffersTheListedProtocolsInTheServersOrder() throws Exception {
        String tls = "{ cert: " + combined + ", alpn: [h2, http/1.1] }";
        assertEquals("http/1.1", same(tls, "alpn h2,http/1.1", "-alpn", "http/1.1").alpn());
        assertEquals("h2", same(tls, "alpn h2,http/1.1", "-alpn", "http/1.1,h2").alpn());
        SClient.Result none = same(tls, "alpn h2,http/1.1", "-alpn", "spdy/3");
        assertTrue(none.connected(), "no protocol in common: the handshake goes on without ALPN\n" + none.output());
        assertEquals(null, none.alpn());
    }

    @Test
    void ticketsAreOnByDefaultAndOffWithTicketsFalse() throws Exception {
        assertTrue(same("{ cert: " + combined + " }", "", "-tls1_2").ticket());
        assertFalse(same("{ cert: " + combined + ", tickets: false }", "no-tls-tickets", "-tls1_2").ticket());
    }

    @Test
    void tlsDefaultsApplyWhereABindSetsNothing() throws Exception {
        int port = Clients.freePort();
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                version: 1
                global:
                  tls_defaults: { min_version: TLSv1.3 }
                listens:
                  - name: l
                    mode: tcp
                    bind: { address: "127.0.0.1:%d", tls: { cert: %s } }
                    servers: [ { name: s, address: "127.0.0.1:%d" } ]
                """.formatted(port, combined, echo.port())), "defaults"));
        assertFalse(SClient.connect(port, "", "-tls1_2").connected());
        assertTrue(SClient.connect(port, "", "-tls1_3").connected());
    }

    /**
     * Serves {@code tls} (YAML) on a tcp listen and HAProxy's {@code bind … ssl crt
     * combined.pem OPTIONS}, runs {@code s_client OPTIONS} against each, and checks that
     * both connect or fail alike and agree on protocol, cipher, ALPN and ticket.
     */
    private SClient.Result same(String tls, String haproxyBind, String... client) throws Exception {
        int port = Clients.freePort();
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                version: 1
                listens:
                  - name: l
                    mode: tcp
                    bind: { address: "127.0.0.1:%d", tls: %s }
                    servers: [ { name: s, address: "127.0.0.1:%d" } ]
                """.formatted(port, tls, echo.port())), "case"));
        SClient.Result ours = SClient.connect(port, "", client);
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
                """.formatted(hport, combined, haproxyBind, echo.port()), hport)) {
            SClient.Result theirs = SClient.connect(hport, "", client);
            String both = "\n--- pointsman:\n" + ours.output() + "\n--- haproxy:\n" + theirs.output();
            assertEquals(theirs.connected(), ours.connected(), "connected" + both);
            if (ours.connected()) {
                assertEquals(theirs.protocol(), ours.protocol(), "protocol" + both);
                assertEquals(theirs.cipher(), ours.cipher(), "cipher" + both);
                assertEquals(theirs.alpn(), ours.alpn(), "alpn" + both);
                if ("TLSv1.2".equals(ours.protocol())) {
                    // (TLS 1.3 tickets come after the handshake; s_client may leave before them.)
                    assertEquals(theirs.ticket(), ours.ticket(), "session ticket" + both);
                }
            }
        }
        return ours;
    }
}
