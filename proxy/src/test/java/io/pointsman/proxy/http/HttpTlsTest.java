package io.pointsman.proxy.http;

import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.config.TlsCertificate;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS termination with certificates made by the openssl CLI in the test. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpTlsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        selfSigned("default", "default.example");
        selfSigned("b", "b.example");
    }

    private static void selfSigned(String file, String name) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve(file + ".key").toString(), "-out", dir.resolve(file + ".pem").toString(),
                "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name)
                .redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl finished");
        assertEquals(0, p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static Tls tls() {
        return new Tls(dir.resolve("default.pem").toString(), dir.resolve("default.key").toString(),
                List.of(new TlsCertificate(dir.resolve("b.pem").toString(), dir.resolve("b.key").toString())));
    }

    @Test
    void terminatesTlsAndPicksTheCertificateBySni() throws Exception {
        int port = Clients.freePort();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             HttpBackend web = new HttpBackend("web")) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().tls(tls())
                    .defaultBackend("web").backend("web", web.address()).build("127.0.0.1:" + port), "r1"));
            assertEquals("CN=b.example", exchange(port, "b.example")[0]);
            assertEquals("CN=default.example", exchange(port, "other.example")[0]);
            String[] result = exchange(port, "b.example");
            assertTrue(result[1].startsWith("HTTP/1.1 200 OK"), result[1]);
            assertTrue(result[1].toLowerCase().contains("x-seen-x-forwarded-proto: https"), result[1]);
            assertTrue(result[1].endsWith("web GET /secure"), result[1]);
        }
    }

    @Test
    void unreadableCertificateRefusesTheApply() throws Exception {
        int port = Clients.freePort();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             HttpBackend web = new HttpBackend("web")) {
            Tls missing = new Tls(dir.resolve("nope.pem").toString(), dir.resolve("nope.key").toString(), List.of());
            io.pointsman.proxy.tls.TlsSetupException e = assertThrows(io.pointsman.proxy.tls.TlsSetupException.class,
                    () -> runtime.apply(new HttpConfigs().tls(missing).defaultBackend("web")
                            .backend("web", web.address()).build("127.0.0.1:" + port), "r1"));
            assertTrue(e.getMessage().contains("nope.pem"), e.getMessage());
            assertEquals(null, runtime.current());
        }
    }

    /** Handshakes with the given SNI, sends one request; returns {peer subject, response}. */
    private static String[] exchange(int port, String sni) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sni)));
            s.setSSLParameters(params);
            s.startHandshake();
            String subject = ((X509Certificate) s.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
            s.getOutputStream().write(("GET /secure HTTP/1.1\r\nHost: " + sni + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return new String[] {subject, response};
        }
    }
}
