package io.pointsman.proxy.tls;

import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestPki;
import io.pointsman.proxy.testing.TestServer;
import io.pointsman.proxy.testing.TlsClient;
import io.pointsman.proxy.testing.YamlConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificate, key, CA and CRL files changed on disk serve new handshakes within 5 s,
 * without an apply; connections in flight keep theirs; a broken file keeps the old one and
 * says so; certbot's layout (symbolic links re-pointed at each renewal) and
 * {@code cert_dir} work.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CertificateReloadTest {
    /** SPEC §9: a changed file serves new handshakes within this. */
    private static final long WITHIN_MILLIS = 5_000;

    @TempDir
    Path dir;
    TestPki pki;
    ProxyRuntime runtime;
    TestServer echo;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir, "reload");
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
        echo = TestServer.echo("hi");
    }

    @AfterEach
    void stop() {
        runtime.close();
        echo.close();
    }

    @Test
    void aRenewedCertificateServesNewHandshakesAndOldConnectionsKeepTheirs() throws Exception {
        TestPki.Issued first = pki.server("first", "www.example");
        Path cert = dir.resolve("site.pem");
        Path key = dir.resolve("site.key");
        Files.copy(first.cert(), cert);
        Files.copy(first.key(), key);
        int port = listen("{ cert: " + cert + ", key: " + key + " }");
        String firstSerial = serial(port);
        try (SSLSocket inFlight = TlsClient.trusting(pki.caCert()).connect(port, "www.example")) {
            BufferedReader in = reader(inFlight);
            assertEquals("hi", in.readLine());

            TestPki.Issued renewed = pki.server("renewed", "www.example");
            replace(renewed.cert(), cert);
            replace(renewed.key(), key);
            String renewedSerial = serialOf(renewed.cert());
            awaitWithin(() -> renewedSerial.equals(serialQuietly(port)), "the renewed certificate serves");
            assertFalse(renewedSerial.equals(firstSerial));

            inFlight.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
            inFlight.getOutputStream().flush();
            assertEquals("still here", in.readLine(), "the connection from before goes on with its session");
            assertEquals(firstSerial, serialOf(inFlight));
        }
        CertificateStatus status = status(cert);
        assertNull(status.error(), status.toString());
        assertEquals(List.of("www.example"), status.names());
    }

    @Test
    void aBrokenFileKeepsTheOldCertificateAndSaysSoUntilItIsFixed() throws Exception {
        TestPki.Issued first = pki.server("first", "www.example");
        Path cert = dir.resolve("site.pem");
        Files.copy(first.cert(), cert);
        Path key = dir.resolve("site.key");
        Files.copy(first.key(), key);
        int port = listen("{ cert: " + cert + ", key: " + key + " }");
        String serial = serial(port);

        // A key that is not the certificate's (a renewal half done, a mistake).
        TestPki.Issued other = pki.server("other", "www.example");
        replace(other.key(), key);
        awaitWithin(() -> status(cert).error() != null, "the broken pair is reported");
        String error = status(cert).error();
        assertTrue(error.contains(key.toString()) && error.contains("does not match"), error);
        assertFalse(error.contains("PRIVATE KEY") || error.contains(keyBody(other.key())), "no key material: " + error);
        assertEquals(serial, serial(port), "the last good certificate still serves");

        replace(other.cert(), cert);
        awaitWithin(() -> serialOf(other.cert()).equals(serialQuietly(port)), "the fixed pair serves");
        assertNull(status(cert).error());
    }

    /** certbot: live/NAME/{fullchain,privkey}.pem link to archive/NAME/…N.pem; a renewal re-points them. */
    @Test
    void certbotsLayoutIsFollowedThroughItsSymbolicLinks() throws Exception {
        Path archive = Files.createDirectories(dir.resolve("archive/www.example"));
        Path live = Files.createDirectories(dir.resolve("live/www.example"));
        TestPki.Issued v1 = pki.server("v1", "www.example");
        Files.copy(v1.cert(), archive.resolve("fullchain1.pem"));
        Files.copy(v1.key(), archive.resolve("privkey1.pem"));
        Files.createSymbolicLink(live.resolve("fullchain.pem"), Path.of("../../archive/www.example/fullchain1.pem"));
        Files.createSymbolicLink(live.resolve("privkey.pem"), Path.of("../../archive/www.example/privkey1.pem"));
        int port = listen("{ cert: " + live.resolve("fullchain.pem") + ", key: " + live.resolve("privkey.pem") + " }");
        assertEquals(serialOf(v1.cert()), serial(port));

        TestPki.Issued v2 = pki.server("v2", "www.example");
        Files.copy(v2.cert(), archive.resolve("fullchain2.pem"));
        Files.copy(v2.key(), archive.resolve("privkey2.pem"));
        relink(live.resolve("fullchain.pem"), Path.of("../../archive/www.example/fullchain2.pem"));
        relink(live.resolve("privkey.pem"), Path.of("../../archive/www.example/privkey2.pem"));
        awaitWithin(() -> serialOf(v2.cert()).equals(serialQuietly(port)), "the renewed certificate serves");
    }

    @Test
    void certDirServesEveryPemByNameAndPicksUpNewOnes() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.Issued a = pki.server("a", "a.example");
        TestPki.Issued b = pki.server("b", "b.example", "*.b.example");
        Files.copy(a.cert(), certs.resolve("a.pem"));
        Files.copy(a.key(), certs.resolve("a.key")); // key beside
        b.combined(certs.resolve("b.pem"));          // key inside
        Files.writeString(certs.resolve("notes.txt"), "not a certificate");
        int port = listen("{ cert_dir: " + certs + " }");
        assertEquals("CN=a.example", subject(port, "a.example"));
        assertEquals("CN=b.example", subject(port, "www.b.example"));
        assertEquals("CN=a.example", subject(port, "unknown.example"), "no name matches: the first file");

        TestPki.Issued c = pki.server("c", "c.example");
        Files.copy(c.key(), certs.resolve("c.key"));
        Files.copy(c.cert(), certs.resolve("c.pem"));
        awaitWithin(() -> "CN=c.example".equals(subjectQuietly(port, "c.example")), "a new file serves its name");
        assertEquals(List.of("c.example"), status(certs.resolve("c.pem")).names());
    }

    @Test
    void aRevokingCrlWrittenLaterRefusesTheCertificateFromThenOn() throws Exception {
        TestPki.Issued site = pki.server("site", "www.example");
        TestPki.Issued alice = pki.client("alice", "/CN=alice");
        Path crl = dir.resolve("clients.crl");
        Files.copy(pki.crl("empty.crl"), crl);
        int port = listen("{ cert: " + site.cert() + ", key: " + site.key() + ", client_ca: " + pki.caCert()
                + ", verify: required, crl: " + crl + " }");
        TlsClient client = TlsClient.withClientCertificate(pki.caCert(), alice.cert(), alice.key())
                .protocols("TLSv1.2");
        try (SSLSocket s = client.connect(port, "www.example")) {
            assertEquals("hi", reader(s).readLine());
        }
        pki.revoke(alice);
        replace(pki.crl("revoked.crl"), crl);
        awaitWithin(() -> {
            try (SSLSocket s = client.connect(port, "www.example")) {
                return reader(s).readLine() == null;
            } catch (Exception refused) {
                return true;
            }
        }, "alice is refused once the CRL revokes her");
        assertNotNull(status(crl).notAfter(), "the CRL's next update is shown");
    }

    // ---- helpers -------------------------------------------------------------------------

    private int listen(String tls) throws Exception {
        int port = Clients.freePort();
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load("""
                version: 1
                listens:
                  - name: l
                    mode: tcp
                    bind: { address: "127.0.0.1:%d", tls: %s }
                    servers: [ { name: s, address: "%s" } ]
                """.formatted(port, tls, echo.address())), "r"));
        return port;
    }

    private CertificateStatus status(Path file) {
        for (CertificateStatus c : runtime.certificates()) {
            if (c.file().equals(file.toString())) {
                return c;
            }
        }
        throw new AssertionError("no status for " + file + " in " + runtime.certificates());
    }

    /** Writes {@code from} over {@code to} the way an editor or certbot would: a new file renamed into place. */
    private static void replace(Path from, Path to) throws Exception {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void relink(Path link, Path target) throws Exception {
        Path tmp = link.resolveSibling(link.getFileName() + ".new");
        Files.createSymbolicLink(tmp, target);
        Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitWithin(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WITHIN_MILLIS);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + ": not within " + WITHIN_MILLIS + " ms");
    }

    private String serial(int port) throws Exception {
        try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "www.example")) {
            return serialOf(s);
        }
    }

    private String serialQuietly(int port) {
        try {
            return serial(port);
        } catch (Exception e) {
            return null;
        }
    }

    private String subject(int port, String sni) throws Exception {
        try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, sni)) {
            return TlsClient.peerSubject(s);
        }
    }

    private String subjectQuietly(int port, String sni) {
        try {
            return subject(port, sni);
        } catch (Exception e) {
            return null;
        }
    }

    private static String serialOf(SSLSocket s) throws Exception {
        return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber()
                .toString(16);
    }

    private static String serialOf(Path cert) {
        return Pem.certificates(cert).get(0).getSerialNumber().toString(16);
    }

    private static String keyBody(Path key) throws Exception {
        String[] lines = Files.readString(key).split("\n");
        return lines[1]; // the first base64 line of the key
    }

    private static BufferedReader reader(SSLSocket s) throws Exception {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }
}
