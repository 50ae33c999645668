package io.pointsman.proxy.http;

import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestPki;
import io.pointsman.proxy.testing.TlsClient;
import io.pointsman.proxy.testing.YamlConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
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

/** One frontend, a plain bind and a TLS bind, one set of acls and rules (SPEC §9). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PerBindTlsTest {
    @TempDir
    Path dir;

    @Test
    void aPlainBindAndATlsBindShareOneFrontendsRules() throws Exception {
        TestPki pki = TestPki.create(dir, "bind");
        TestPki.Issued site = pki.server("site", "www.example");
        int plain = Clients.freePort();
        int tls = Clients.freePort();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             HttpBackend web = new HttpBackend("web");
             HttpBackend api = new HttpBackend("api")) {
            ApplyResult r = runtime.apply(YamlConfigs.load("""
                    version: 1
                    frontends:
                      - name: public
                        forwardfor: true
                        bind:
                          - "127.0.0.1:%d"
                          - { address: "127.0.0.1:%d", tls: { cert: %s, key: %s } }
                        acl:
                          - { name: api, path_beg: ["/api/"] }
                        use_backend:
                          - { backend: api, if: api }
                        default_backend: web
                    backends:
                      - { name: web, servers: [ { name: w, address: "%s" } ] }
                      - { name: api, servers: [ { name: a, address: "%s" } ] }
                    """.formatted(plain, tls, site.cert(), site.key(), web.address(), api.address())), "r1");
            assertInstanceOf(ApplyResult.Applied.class, r);

            String overPlain = plainGet(plain, "/api/users");
            assertTrue(overPlain.endsWith("api GET /api/users"), overPlain);
            assertEquals("http", seen(overPlain, "x-forwarded-proto"));

            try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(tls, "www.example")) {
                String overTls = get(s.getOutputStream(), s.getInputStream(), "/api/users");
                assertTrue(overTls.endsWith("api GET /api/users"), overTls);
                assertEquals("https", seen(overTls, "x-forwarded-proto"));
            }
            try (SSLSocket s = TlsClient.trusting(pki.caCert()).connect(tls, "www.example")) {
                assertTrue(get(s.getOutputStream(), s.getInputStream(), "/").endsWith("web GET /"));
            }
            // The plain bind is not TLS: a TLS client cannot handshake there.
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> TlsClient.trusting(pki.caCert()).connect(plain, "www.example").close());
            assertTrue(e instanceof javax.net.ssl.SSLException || e instanceof java.io.IOException, e.toString());
        }
    }

    private static String plainGet(int port, String path) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            return get(s.getOutputStream(), s.getInputStream(), path);
        }
    }

    private static String get(OutputStream out, InputStream in, String path) throws Exception {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: www.example\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** The value of a request header as the backend saw it (it echoes them as X-Seen-NAME). */
    private static String seen(String response, String header) {
        for (String line : response.split("\r\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.startsWith("x-seen-" + header + ":")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }
}
