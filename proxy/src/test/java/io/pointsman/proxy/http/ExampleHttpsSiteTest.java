package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Curl;
import io.pointsman.proxy.testing.RecordingHttpServer;
import io.pointsman.proxy.testing.YamlProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/https-site} on a live proxy, driven by curl: its proxy.yaml as shipped,
 * with loopback binds, a certificate made here, recording servers, the office network
 * moved to 127.0.0.2 and the limit lowered to 8 requests so a test can reach it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExampleHttpsSiteTest {
    @TempDir
    Path dir;

    static Path example() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/https-site"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "examples/https-site not found above " + Path.of("").toAbsolutePath());
        return p.resolve("examples/https-site");
    }

    @Test
    void theHttpsSiteDoesWhatItsReadmeSays() throws Exception {
        Process gen = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve("site.key").toString(), "-out", dir.resolve("site.pem").toString(),
                "-days", "2", "-subj", "/CN=www.example.com", "-addext", "subjectAltName=DNS:www.example.com")
                .redirectErrorStream(true).start();
        gen.getInputStream().readAllBytes();
        assertTrue(gen.waitFor(60, TimeUnit.SECONDS) && gen.exitValue() == 0, "openssl made a certificate");
        List<RecordingHttpServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                servers.add(new RecordingHttpServer());
            }
            int http = Clients.freePort();
            int https = Clients.freePort();
            String yaml = Files.readString(example().resolve("proxy.yaml"))
                    .replace("\"*:8080\"", "\"127.0.0.1:" + http + "\"")
                    .replace("\"*:8443\"", "\"127.0.0.1:" + https + "\"")
                    .replace("/etc/pointsman/tls/site.pem", dir.resolve("site.pem").toString())
                    .replace("/etc/pointsman/tls/site.key", dir.resolve("site.key").toString())
                    .replace("127.0.0.1:9001", "127.0.0.1:" + servers.get(0).port())
                    .replace("127.0.0.1:9002", "127.0.0.1:" + servers.get(1).port())
                    .replace("127.0.0.1:9101", "127.0.0.1:" + servers.get(2).port())
                    .replace("127.0.0.1:9102", "127.0.0.1:" + servers.get(3).port())
                    .replace("\"198.51.100.0/24\"", "\"127.0.0.2/32\"")
                    .replace("requests: 100", "requests: 8");
            assertTrue(yaml.contains("requests: 8") && yaml.contains("127.0.0.2/32"), "the example changed: update this test");
            try (YamlProxy proxy = YamlProxy.start(yaml, Map.of("HTTPS_SITE_OPS_PASSWORD", "ops-secret"))) {
                String site = "https://www.example.com:" + https;
                String resolve = "www.example.com:" + https + ":127.0.0.1";

                String plain = Curl.head("http://127.0.0.1:" + http + "/shop?item=7", "-H", "Host: www.example.com");
                assertTrue(plain.startsWith("HTTP/1.1 301"), plain);
                assertTrue(plain.contains("\r\nLocation: https://www.example.com/shop?item=7\r\n"), plain);
                String acme = Curl.head("http://127.0.0.1:" + http + "/.well-known/acme-challenge/x");
                assertTrue(acme.startsWith("HTTP/1.1 200"), acme);
                assertTrue(last(servers).startsWith("GET /.well-known/acme-challenge/x "));

                String home = Curl.head("-k", "--resolve", resolve, site + "/");
                assertTrue(home.startsWith("HTTP/1.1 200"), home);
                assertTrue(home.contains("\r\nStrict-Transport-Security: max-age=63072000; includeSubDomains\r\n"), home);
                assertFalse(home.contains("\r\nServer:"), home);
                String received = last(servers);
                assertTrue(received.contains("\r\nX-Forwarded-For: 127.0.0.1\r\n")
                        && received.contains("\r\nX-Forwarded-Proto: https\r\n"), received);

                assertTrue(Curl.head("-k", "--resolve", resolve, site + "/admin/").startsWith("HTTP/1.1 403"));
                String office = Curl.head("-k", "--interface", "127.0.0.2", "--resolve", resolve, site + "/admin/");
                assertTrue(office.startsWith("HTTP/1.1 401") && office.contains("WWW-Authenticate: Basic realm=\"Admin\""),
                        office);
                assertTrue(Curl.head("-k", "--interface", "127.0.0.2", "-u", "alice:correct horse battery staple",
                        "--resolve", resolve, site + "/admin/").startsWith("HTTP/1.1 200"));
                assertTrue(Curl.head("-k", "--interface", "127.0.0.2", "-u", "ops:ops-secret",
                        "--resolve", resolve, site + "/admin/").startsWith("HTTP/1.1 200"));
                assertTrue(Curl.head("-k", "--interface", "127.0.0.2", "-u", "ops:change-me",
                        "--resolve", resolve, site + "/admin/").startsWith("HTTP/1.1 401"));

                Curl.head("-k", "--resolve", resolve, site + "/api/v1/orders?id=7");
                assertTrue(last(servers.subList(2, 4)).startsWith("GET /api/v2/orders?id=7 HTTP/1.1\r\n"),
                        last(servers.subList(2, 4)));

                // One curl, ten requests on one connection, from a client of its own.
                List<String> args = new ArrayList<>(List.of("-k", "--interface", "127.0.0.3", "--resolve", resolve,
                        "-w", "%{http_code}\\n"));
                for (int i = 0; i < 10; i++) {
                    args.addAll(List.of("-o", "/dev/null", site + "/page" + i));
                }
                String codes = Curl.run(args.toArray(new String[0]));
                assertEquals("200 200 200 200 200 200 200 200 429 429", codes.trim().replace('\n', ' '));
            }
        } finally {
            for (RecordingHttpServer s : servers) {
                s.close();
            }
        }
    }

    /** The last head any of these servers received. */
    private static String last(List<RecordingHttpServer> servers) {
        String last = null;
        for (RecordingHttpServer s : servers) {
            if (!s.heads().isEmpty()) {
                last = s.heads().get(s.heads().size() - 1);
                s.clear();
            }
        }
        return last;
    }
}
