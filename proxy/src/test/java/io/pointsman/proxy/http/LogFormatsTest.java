package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestServer;
import io.pointsman.proxy.testing.UdpLines;
import io.pointsman.proxy.testing.YamlConfigs;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The formats and options of access lines, read from a UDP log target: tcplog for tcp
 * sessions, json, custom %-formats, captured response headers, dontlognull,
 * dontlog_normal, log_separate_errors, log_health_checks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogFormatsTest {

    @Test
    void tcpSessionsGetATcplogLineWhenTheyEnd() throws Exception {
        try (UdpLines log = new UdpLines();
             TestServer echo = TestServer.echo("e");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      log: [{ target: "udp://127.0.0.1:%d", format: raw }]
                    defaults: { dontlognull: true }
                    listens:
                      - { name: tunnel, mode: tcp, bind: ["127.0.0.1:%d"], servers: [{ name: echo1, address: "%s" }] }
                    """.formatted(log.port(), port, echo.address());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "0123456789"));
            try (Socket quiet = new Socket("127.0.0.1", port)) {
                quiet.setSoTimeout(100);
            } // connects and leaves without a byte: dontlognull
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                Clients.readLine(in);
            }
            String line = log.await(" tunnel tunnel/echo1 ");
            assertTrue(Pattern.compile("^127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:[\\d:.]+\\] tunnel tunnel/echo1 "
                    + "0/\\d+/\\d+ \\d+ -- \\d+/\\d+/\\d+/\\d+/0 0/0 gen=1\\(0123456\\)$").matcher(line).matches(), line);
            Thread.sleep(300);
            assertEquals(1, log.lines().size(), "the empty connection was not logged: " + log.lines());
        }
    }

    @Test
    void jsonLinesCarryCapturedResponseHeadersAndCustomFormatsTheirVariables() throws Exception {
        try (UdpLines log = new UdpLines();
             HttpBackend web = new HttpBackend("web");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int json = Clients.freePort();
            int custom = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      log: [{ target: "udp://127.0.0.1:%d", format: raw }]
                    frontends:
                      - name: js
                        bind: ["127.0.0.1:%d"]
                        default_backend: web
                        log_format: json
                        capture:
                          request_headers: [{ name: X-Req, len: 4 }]
                          response_headers: [{ name: X-Seen-X-Req, len: 3 }]
                      - name: custom
                        bind: ["127.0.0.1:%d"]
                        default_backend: web
                        log_format: "%%{+Q}HM %%HP q=%%HQ %%ST %%b/%%s %%[fe_name] 100%%%%"
                    backends:
                      - { name: web, servers: [{ name: w1, address: "%s" }] }
                    """.formatted(log.port(), json, custom, web.address());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", json))) {
                assertEquals(200, c.send("GET /j HTTP/1.1\r\nHost: a\r\nX-Req: abcdef\r\n\r\n").status());
            }
            String jsonLine = log.await("\"frontend_name\":\"js\"");
            JsonNode j = new ObjectMapper().readTree(jsonLine);
            assertEquals("web", j.get("backend_name").asText());
            assertEquals(200, j.get("status_code").asInt());
            assertEquals("/j", j.get("http_request").asText());
            assertEquals("abcd", j.get("captured_request_headers").get("x-req").asText());
            assertEquals("abc", j.get("captured_response_headers").get("x-seen-x-req").asText());
            try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", custom))) {
                assertEquals(200, c.get("/p/a?x=1", "a").status());
            }
            assertEquals("\"GET\" /p/a q=?x=1 200 web/w1 custom 100%", log.await("/p/a"));
        }
    }

    @Test
    void dontlogNormalKeepsErrorsWhichSeparateErrorsSendsAtErr() throws Exception {
        try (UdpLines log = new UdpLines();
             HttpBackend web = new HttpBackend("web");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      log: [{ target: "udp://127.0.0.1:%d", format: rfc3164, facility: local1 }]
                    defaults: { dontlog_normal: true, log_separate_errors: true, log_health_checks: true }
                    frontends:
                      - { name: fe, bind: ["127.0.0.1:%d"], default_backend: web }
                    backends:
                      - { name: web, servers: [{ name: w1, address: "%s" }] }
                      - name: broken
                        check: { interval: 100ms, rise: 1, fall: 2 }
                        servers: [{ name: b1, address: "127.0.0.1:%d", check: true }]
                    """.formatted(log.port(), port, web.address(), Clients.deadPort());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals(200, c.get("/fine", "a").status());
                c.get("/close", "a"); // the server closes without answering: 502, an error
            }
            String error = log.await("\"GET /close HTTP/1.1\"");
            // local1 (17) * 8 + err (3)
            assertTrue(error.startsWith("<139>"), error);
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("/fine")), "a normal request is not logged");
            // log_health_checks: the failing check's line, then the server's DOWN
            String check = log.await("Health check for server broken/b1 failed, reason: Layer4 connection problem");
            assertTrue(check.startsWith("<141>"), check); // local1 notice
            assertTrue(check.contains("status: 0/1 DOWN."), check); // a fresh server is one failure from DOWN
            String down = log.await("Server broken/b1 is DOWN");
            assertTrue(down.startsWith("<137>"), down); // local1 alert
        }
    }

    @Test
    void theDefaultStderrLineSaysErrorForAnErrorOnlyWhenErrorsAreSeparated() throws Exception {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try (HttpBackend web = new HttpBackend("web");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int separated = Clients.freePort();
            int together = Clients.freePort();
            String yaml = """
                    version: 1
                    frontends:
                      - { name: separated, bind: ["127.0.0.1:%d"], default_backend: web, log_separate_errors: true }
                      - { name: together, bind: ["127.0.0.1:%d"], default_backend: web }
                    backends:
                      - { name: web, servers: [{ name: w1, address: "%s" }] }
                    """.formatted(separated, together, web.address());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            for (int port : new int[] {separated, together}) {
                try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
                    assertEquals(200, c.get("/fine-" + port, "a").status());
                    assertEquals(502, c.get("/close", "a").status()); // the server closes without answering
                }
            }
            // Only this test's frontends: a runtime of an earlier test may still be logging.
            java.util.function.Predicate<String> ours = l -> l.contains(" access - ")
                    && (l.contains(" separated ") || l.contains(" together "));
            Clients.await("four access lines", 10_000, () -> captured.toString(StandardCharsets.UTF_8).lines()
                    .filter(ours).count() == 4);
            java.util.List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                    .filter(ours).toList();
            assertEquals(java.util.List.of("separated 200 [INFO]", "separated 502 [ERROR]", "together 200 [INFO]",
                    "together 502 [INFO]"), lines.stream().map(l -> (l.contains(" separated ") ? "separated" : "together")
                    + (l.contains(" 502 ") ? " 502 " : " 200 ") + l.replaceAll(".*\\] (\\[[A-Z]+\\]) access - .*", "$1"))
                    .sorted().toList(), String.join("\n", lines));
        } finally {
            System.setErr(original);
        }
    }
}
