package io.pointsman.proxy.http;

import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestPki;
import io.pointsman.proxy.testing.TlsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS contexts belong to the generation they were loaded for: an apply that is refused
 * leaves the serving generation's contexts alone, and a bind whose TLS changes keeps its
 * socket while new connections get the new contexts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsGenerationTest {
    @TempDir
    static Path dir;
    static TestPki pki;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.create(dir, "gen");
    }

    @Test
    void aRefusedApplyLeavesTheServingGenerationsContextsAlone() throws Exception {
        TestPki.Issued a = pki.server("refused-a", "a.example");
        TestPki.Issued b = pki.server("refused-b", "b.example");
        int port = Clients.freePort();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             HttpBackend web = new HttpBackend("web");
             ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().tls(tls(a))
                    .defaultBackend("web").backend("web", web.address()).build("127.0.0.1:" + port), "r1"));
            assertEquals("CN=a.example", request(port));
            // The files of the serving certificate go away (a renewal in progress, a mistake):
            // what serves was read already and must go on serving.
            Files.delete(a.cert());
            Files.delete(a.key());
            // A new config with other TLS is refused: its bind is taken by another process.
            ApplyResult refused = runtime.apply(new HttpConfigs().tls(tls(b)).defaultBackend("web")
                    .backend("web", web.address()).build("127.0.0.1:" + busy.getLocalPort()), "r2");
            assertInstanceOf(ApplyResult.BindFailed.class, refused);
            assertEquals("CN=a.example", request(port), "the serving generation still has its contexts");
        }
    }

    @Test
    void aBindWhoseTlsChangesKeepsItsSocketAndNewConnectionsGetTheNewContexts() throws Exception {
        TestPki.Issued a = pki.server("change-a", "a.example");
        TestPki.Issued b = pki.server("change-b", "b.example");
        int port = Clients.freePort();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             HttpBackend web = new HttpBackend("web")) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().tls(tls(a))
                    .defaultBackend("web").backend("web", web.address()).build("127.0.0.1:" + port), "r1"));
            try (SSLSocket before = TlsClient.trusting(pki.caCert()).connect(port, "a.example")) {
                ApplyResult r2 = runtime.apply(new HttpConfigs().tls(tls(b)).defaultBackend("web")
                        .backend("web", web.address()).build("127.0.0.1:" + port), "r2");
                assertInstanceOf(ApplyResult.Applied.class, r2);
                assertTrue(((ApplyResult.Applied) r2).kept().toString().contains(String.valueOf(port)),
                        "the socket is kept: " + r2);
                assertEquals("CN=b.example", request(port), "a new connection gets the new certificate");
                assertEquals("CN=a.example", TlsClient.peerSubject(before));
                assertTrue(get(before).startsWith("HTTP/1.1 200"), "the connection from before still works");
            }
        }
    }

    private static Tls tls(TestPki.Issued c) {
        return new Tls(c.cert().toString(), c.key().toString(), List.of());
    }

    /** One request over a new TLS connection; the server certificate's subject. */
    private static String request(int port) throws Exception {
        try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(port, "a.example")) {
            String response = get(s);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            return TlsClient.peerSubject(s);
        }
    }

    private static String get(SSLSocket s) throws Exception {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
