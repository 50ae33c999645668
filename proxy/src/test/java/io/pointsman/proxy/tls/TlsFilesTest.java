package io.pointsman.proxy.tls;

import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.Generation;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS files are node-local, so they are checked when a config is applied on the node:
 * a file that cannot be used refuses the apply with a message naming it (and never
 * holding key material), and the generation serving before goes on serving. Keys in the
 * forms HAProxy users have (PKCS#8, PKCS#1, SEC1, with the certificate in one file) load.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsFilesTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Issued site;
    static ProxyRuntime runtime;
    static TestServer echo;
    static int servingPort;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir, "files");
        site = pki.server("site", "www.example");
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
        echo = TestServer.echo("hi");
        servingPort = Clients.freePort();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        echo.close();
    }

    @Test
    void aMissingCertificateFileIsNamed() throws Exception {
        refused("{ cert: " + dir.resolve("nope.pem") + ", key: " + site.key() + " }", "file not found: "
                + dir.resolve("nope.pem"));
    }

    @Test
    void aDirectoryWhereAFileShouldBeIsNamed() throws Exception {
        Path d = Files.createDirectories(dir.resolve("a-directory.pem"));
        refused("{ cert: " + d + ", key: " + site.key() + " }", d.toString());
    }

    @Test
    void aKeyThatDoesNotMatchItsCertificateIsNamed() throws Exception {
        TestPki.Issued other = pki.server("other", "other.example");
        String message = refused("{ cert: " + site.cert() + ", key: " + other.key() + " }",
                "the private key in " + other.key() + " does not match the certificate in " + site.cert());
        assertNoKeyMaterial(message, other.key());
    }

    @Test
    void aCertificateWithoutItsKeyIsNamed() throws Exception {
        refused("{ cert: " + site.cert() + " }", "no private key in " + site.cert());
    }

    @Test
    void aFileThatIsNotPemIsNamed() throws Exception {
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "this is not a certificate\n");
        refused("{ cert: " + junk + ", key: " + site.key() + " }", "no certificate (-----BEGIN CERTIFICATE-----) in "
                + junk);
    }

    @Test
    void aCaFileWithoutACertificateIsNamed() throws Exception {
        Path ca = dir.resolve("empty-ca.pem");
        Files.writeString(ca, "# no certificates here\n");
        refused("{ cert: " + site.cert() + ", key: " + site.key() + ", client_ca: " + ca + ", verify: required }",
                "client_ca: no certificate (-----BEGIN CERTIFICATE-----) in " + ca);
    }

    @Test
    void aBadCrlFileIsNamed() throws Exception {
        Path crl = dir.resolve("bad.crl");
        Files.writeString(crl, "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
        refused("{ cert: " + site.cert() + ", key: " + site.key() + ", client_ca: " + pki.caCert()
                + ", verify: required, crl: " + crl + " }", crl.toString());
    }

    @Test
    void anEncryptedKeyIsRefusedWithAWayOut() throws Exception {
        Path encrypted = dir.resolve("encrypted.key");
        TestPki.run(dir, "openssl", "pkcs8", "-topk8", "-in", site.key().toString(), "-out", encrypted.toString(),
                "-passout", "pass:secret");
        refused("{ cert: " + site.cert() + ", key: " + encrypted + " }", "the private key in " + encrypted
                + " is encrypted");
    }

    @Test
    void keysInPkcs1AndSec1FormAndACombinedFileLoad() throws Exception {
        Path sec1 = dir.resolve("sec1.key");
        TestPki.run(dir, "openssl", "ec", "-in", site.key().toString(), "-out", sec1.toString());
        assertTrue(Files.readString(sec1).contains("BEGIN EC PRIVATE KEY"), "SEC1 form");
        serves("{ cert: " + site.cert() + ", key: " + sec1 + " }", "CN=www.example");

        Path rsaKey = dir.resolve("rsa.key");
        Path rsaCert = dir.resolve("rsa.pem");
        TestPki.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", rsaKey.toString(),
                "-out", rsaCert.toString(), "-days", "2", "-subj", "/CN=rsa.example");
        Path pkcs1 = dir.resolve("pkcs1.key");
        TestPki.run(dir, "openssl", "rsa", "-in", rsaKey.toString(), "-traditional", "-out", pkcs1.toString());
        assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"), "PKCS#1 form");
        serves("{ cert: " + rsaCert + ", key: " + pkcs1 + " }", "CN=rsa.example");

        serves("{ cert: " + site.combined(dir.resolve("combined.pem")) + " }", "CN=www.example");
    }

    @Test
    void aRefusedApplyLeavesTheServingGenerationServing() throws Exception {
        serves("{ cert: " + site.cert() + ", key: " + site.key() + " }", "CN=www.example");
        Generation before = runtime.current();
        assertThrows(TlsSetupException.class, () -> runtime.apply(config(servingPort,
                "{ cert: " + dir.resolve("gone.pem") + ", key: " + site.key() + " }"), "bad"));
        assertSame(before, runtime.current());
        try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(servingPort, "www.example")) {
            assertEquals("CN=www.example", TlsClient.peerSubject(s));
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    /** The apply is refused; its message holds {@code expected}, and names the frontend and bind. */
    private static String refused(String tls, String expected) throws Exception {
        int port = Clients.freePort();
        TlsSetupException e = assertThrows(TlsSetupException.class, () -> runtime.apply(config(port, tls), "bad"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("frontend 'l' bind 127.0.0.1:" + port + ": tls: "), e.getMessage());
        assertFalse(e.getMessage().contains("PRIVATE KEY"), e.getMessage());
        return e.getMessage();
    }

    /** The apply succeeds and a client gets the certificate with {@code subject} ({@code CN=…}). */
    private static void serves(String tls, String subject) throws Exception {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(servingPort, tls), "good"));
        SClient.Result r = SClient.connect(servingPort, "", "-servername", "www.example");
        assertTrue(r.connected(), r.output());
        assertEquals(subject.replace("=", " = "), r.subject());
    }

    private static io.pointsman.proxy.config.ProxyConfig config(int port, String tls) throws Exception {
        return YamlConfigs.load("""
                version: 1
                listens:
                  - name: l
                    mode: tcp
                    bind: { address: "127.0.0.1:%d", tls: %s }
                    servers: [ { name: s, address: "%s" } ]
                """.formatted(port, tls, echo.address()));
    }

    private static void assertNoKeyMaterial(String message, Path key) throws Exception {
        for (String line : Files.readAllLines(key)) {
            if (!line.startsWith("-----") && line.length() > 16) {
                assertFalse(message.contains(line.substring(0, 16)), "key material in: " + message);
            }
        }
    }
}
