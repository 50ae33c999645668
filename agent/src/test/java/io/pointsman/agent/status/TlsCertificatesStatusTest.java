package io.pointsman.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.node.LocalDirectorySync;
import io.pointsman.agent.node.NodeApplier;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestPki;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /status} lists the TLS files the proxy serves with (file, names, not-after, error)
 * and {@code /metrics} their expiry; a file broken on disk shows its error there without
 * an apply, and no key material ever does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsCertificatesStatusTest {
    @TempDir
    Path tmp;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
    void statusAndMetricsShowTheCertificatesAndAFileThatBreaks() throws Exception {
        TestPki pki = TestPki.create(tmp, "status");
        TestPki.Issued site = pki.server("site", "www.example", "example.com");
        TestPki.Issued other = pki.server("other", "other.example");
        Path key = tmp.resolve("live.key");
        Files.copy(site.key(), key);
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("proxy.yaml"), """
                version: 1
                listens:
                  - name: tls
                    mode: tcp
                    bind: { address: "127.0.0.1:%d", tls: { cert: %s, key: %s, client_ca: %s, verify: optional } }
                    servers: [ { name: s, address: "127.0.0.1:9" } ]
                """.formatted(Clients.freePort(), site.cert(), key, pki.caCert()));
        runtime = ProxyRuntime.builder().threads(1).build().start();
        NodeApplier applier = new NodeApplier(runtime, "lb1", SecretSource.of(Map.of()),
                new KeepalivedManager("/bin/true"), () -> new InetSocketAddress("127.0.0.1", 9900));
        sync = new LocalDirectorySync(conf, "lb1", applier, Clock.systemUTC());
        server = StatusServer.start(StatusServerOptions.loopback(0), sync);
        sync.start();

        JsonNode cert = await(() -> certificate(site.cert().toString()), c -> c != null);
        assertEquals("certificate", cert.get("kind").asText());
        assertEquals("[\"www.example\",\"example.com\"]", cert.get("names").toString());
        Instant notAfter = Instant.parse(cert.get("notAfter").asText());
        assertTrue(notAfter.isAfter(Instant.now()), cert.toString());
        assertTrue(cert.get("error").isNull(), cert.toString());
        assertEquals(TestPki.run(tmp, "openssl", "x509", "-in", site.cert().toString(), "-noout", "-serial").trim()
                .substring("serial=".length()), cert.get("serial").asText(), "the serial as openssl prints it");
        assertTrue(certificate(pki.caCert().toString()) != null, "the client CA file is listed too");

        String metrics = get("/metrics");
        assertTrue(metrics.contains("pointsman_tls_certificate_expiry_timestamp_seconds{file=\"" + site.cert()
                + "\",kind=\"certificate\"} " + notAfter.getEpochSecond() + "\n"), metrics);
        assertTrue(metrics.contains("pointsman_tls_certificate_load_error{file=\"" + site.cert()
                + "\",kind=\"certificate\"} 0\n"), metrics);

        // The key is replaced by one that is not the certificate's: no apply, the status says so.
        Files.copy(other.key(), key, StandardCopyOption.REPLACE_EXISTING);
        JsonNode broken = await(() -> certificate(site.cert().toString()), c -> !c.get("error").isNull());
        assertTrue(broken.get("error").asText().contains("does not match"), broken.toString());
        assertTrue(get("/metrics").contains("pointsman_tls_certificate_load_error{file=\"" + site.cert()
                + "\",kind=\"certificate\"} 1\n"));
        String status = get("/status");
        for (String line : Files.readAllLines(other.key())) {
            if (!line.startsWith("-----")) {
                assertFalse(status.contains(line), "key material in /status");
            }
        }
        assertFalse(status.contains("PRIVATE KEY"));
    }

    private JsonNode certificate(String file) throws Exception {
        JsonNode s = new ObjectMapper().readTree(get("/status"));
        for (JsonNode c : s.get("certificates")) {
            if (c.get("file").asText().equals(file)) {
                return c;
            }
        }
        return null;
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private interface Read {
        JsonNode get() throws Exception;
    }

    private static JsonNode await(Read read, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = read.get();
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 10 s; last: " + last);
    }
}
