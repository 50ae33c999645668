package io.pointsman.agent.status;

import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.node.LocalDirectorySync;
import io.pointsman.agent.node.NodeApplier;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestPki;
import io.pointsman.proxy.testing.TlsClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code examples/letsencrypt/deploy-hook.sh} as certbot runs it after a renewal: it copies
 * the renewed files into place, the running node serves the new certificate without a
 * reload, and the hook sees that in {@code /status} and exits 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LetsEncryptExampleTest {
    @TempDir
    Path tmp;
    ProxyRuntime runtime;
    LocalDirectorySync sync;
    StatusServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (sync != null) {
            sync.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void theDeployHookInstallsARenewalThatServesWithoutAReload() throws Exception {
        TestPki pki = TestPki.create(tmp, "le");
        Path live = Files.createDirectories(tmp.resolve("letsencrypt/live/example.com"));
        Path installed = Files.createDirectories(tmp.resolve("pointsman-tls/example.com"));
        TestPki.Issued first = pki.server("first", "example.com");
        Files.copy(first.cert(), installed.resolve("fullchain.pem"));
        Files.copy(first.key(), installed.resolve("privkey.pem"));
        int port = Clients.freePort();
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("proxy.yaml"), """
                version: 1
                listens:
                  - name: https
                    mode: tcp
                    bind: { address: "127.0.0.1:%d", tls: { cert: %s, key: %s } }
                    servers: [ { name: s, address: "127.0.0.1:9" } ]
                """.formatted(port, installed.resolve("fullchain.pem"), installed.resolve("privkey.pem")));
        runtime = ProxyRuntime.builder().threads(1).build().start();
        sync = new LocalDirectorySync(conf, "lb1", new NodeApplier(runtime, "lb1", SecretSource.of(Map.of()),
                new KeepalivedManager("/bin/true"), () -> new InetSocketAddress("127.0.0.1", 9900)),
                Clock.systemUTC());
        server = StatusServer.start(StatusServerOptions.loopback(0), sync);
        sync.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (runtime.current() == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(serial(first.cert()), servedSerial(pki, port));

        // certbot renews: new files in live/, then the deploy hook.
        TestPki.Issued renewed = pki.server("renewed", "example.com");
        Files.copy(renewed.cert(), live.resolve("fullchain.pem"));
        Files.copy(renewed.key(), live.resolve("privkey.pem"));
        ProcessBuilder hook = new ProcessBuilder("sh", repoRoot().resolve("examples/letsencrypt/deploy-hook.sh")
                .toString()).redirectErrorStream(true);
        hook.environment().put("RENEWED_LINEAGE", live.toString());
        hook.environment().put("POINTSMAN_TLS_DIR", tmp.resolve("pointsman-tls").toString());
        hook.environment().put("POINTSMAN_GROUP", "root");
        hook.environment().put("POINTSMAN_STATUS", server.baseUrl() + "/status");
        Process p = hook.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + "\n/status: " + new String(java.net.URI.create(server.baseUrl()
                + "/status").toURL().openStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(out.contains("pointsman serves the renewed"), out);
        assertEquals(serial(renewed.cert()), servedSerial(pki, port), "new handshakes get the renewed certificate");
    }

    private static String servedSerial(TestPki pki, int port) throws Exception {
        try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "example.com")) {
            return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber()
                    .toString(16);
        }
    }

    private static String serial(Path cert) throws Exception {
        try (var in = Files.newInputStream(cert)) {
            return ((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)).getSerialNumber().toString(16);
        }
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/letsencrypt"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "examples/letsencrypt not found");
        return p;
    }
}
