package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Haproxy;
import io.pointsman.proxy.testing.UdpLines;
import io.pointsman.proxy.testing.YamlConfigs;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Log format flags and the frontend address, against real HAProxy 2.6: the same
 * {@code log-format} string, the same request, the same line ({@code +Q} quotes texts and
 * addresses but not numbers, {@code +X} writes hex, {@code +E} escapes for RFC 5424,
 * {@code %o} sets flags for what follows, {@code %fi}/{@code %fp} the address the client
 * reached). {@code %{+json}o} is HAProxy 3's and checked on its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogFormatFlagsHaproxyTest {

    /** Everything here is the same through both proxies but the frontend port, which ends the line. */
    private static final String FORMAT = "%{+Q}o %ci %{-Q}ci %{+X}ci %{+X}fi %fi %cp %ft %b %{-Q}s %ST %{+E}r "
            + "%HM %HU %HP %HQ %HV %{+E}hr %hrl %{-Q}hrl %ts [%{+E}[fe_name]] %fp/%{+X}fp";

    private static String request() {
        return "GET /p/a?q=1 HTTP/1.1\r\nHost: h\r\nX-A: a]b\\c\r\n\r\n";
    }

    @Test
    void flagsAndFrontendAddressWriteWhatHaproxyWrites() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Haproxy.BINARY), "haproxy is not installed (./test installs it)");
        int h = Clients.freePort();
        int p = Clients.freePort();
        try (HttpBackend web = new HttpBackend("web");
             UdpLines log = new UdpLines();
             Haproxy haproxy = Haproxy.start("""
                     global
                       log stdout format raw local0
                     defaults
                       mode http
                       log global
                       timeout connect 5s
                       timeout client 10s
                       timeout server 10s
                     frontend fe
                       bind 127.0.0.1:%d
                       log-format "%s"
                       capture request header X-A len 10
                       capture request header X-B len 10
                       default_backend web
                     backend web
                       server w1 %s
                     """.formatted(h, FORMAT, web.address()), h);
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            String yaml = """
                    version: 1
                    global:
                      log: [{ target: "udp://127.0.0.1:%d", format: raw }]
                    frontends:
                      - name: fe
                        bind: ["127.0.0.1:%d"]
                        default_backend: web
                        log_format: '%s'
                        capture: { request_headers: [{ name: X-A, len: 10 }, { name: X-B, len: 10 }] }
                    backends:
                      - { name: web, servers: [{ name: w1, address: "%s" }] }
                    """.formatted(log.port(), p, FORMAT, web.address());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            for (int port : new int[] {h, p}) {
                try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
                    assertEquals(200, c.send(request()).status());
                }
            }
            String theirs = awaitLine(haproxy, "/p/a");
            String ours = log.await("/p/a");
            String hex = String.format(Locale.ROOT, "%04X", h);
            assertTrue(theirs.endsWith(" " + h + "/" + hex), theirs);
            assertTrue(ours.endsWith(" " + p + "/" + String.format(Locale.ROOT, "%04X", p)), ours);
            // The flags did something in HAProxy's line: quoted texts, bare numbers, hex, escapes.
            assertTrue(theirs.startsWith("\"127.0.0.1\" 127.0.0.1 7F000001 7F000001 \"127.0.0.1\" "), theirs);
            assertTrue(theirs.contains(" \"fe\" \"web\" w1 200 \"GET /p/a?q=1 HTTP/1.1\" \"GET\" \"/p/a?q=1\" "),
                    theirs);
            assertTrue(theirs.contains("\\]"), "+E escaped the ']' of a captured header: " + theirs);
            // Ours is the same line but for the client and frontend ports.
            assertEquals(maskPorts(theirs), maskPorts(ours));
        }
    }

    private static String maskPorts(String line) {
        return line.replaceFirst("^(\"127.0.0.1\" 127.0.0.1 7F000001 7F000001 \"127.0.0.1\") \\d+ ", "$1 CP ")
                .replaceFirst(" \\d+/[0-9A-F]{4}$", " FP");
    }

    private static String awaitLine(Haproxy haproxy, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String l : haproxy.lines()) {
                if (l.contains(text)) {
                    return l;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("HAProxy logged no line with " + text + ": " + haproxy.lines());
    }

    @Test
    void aJsonEncodedFormatIsOneObjectOfItsNamedItems() throws Exception {
        try (HttpBackend web = new HttpBackend("web");
             UdpLines log = new UdpLines();
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int p = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      log: [{ target: "udp://127.0.0.1:%d", format: raw }]
                    frontends:
                      - name: fe
                        bind: ["127.0.0.1:%d"]
                        default_backend: web
                        log_format: '%%{+json}o %%(client)ci %%(status)ST %%(request)r text is left out %%s %%(backend)b %%(fport)fp %%(hexport){+X}fp %%(gen)[generation] %%(server_port)sp'
                    backends:
                      - { name: web, servers: [{ name: w1, address: "%s" }] }
                    """.formatted(log.port(), p, web.address());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", p))) {
                assertEquals(200, c.send("GET /json HTTP/1.1\r\nHost: h\r\n\r\n").status());
            }
            String line = log.await("status");
            assertEquals("{\"client\": \"127.0.0.1\", \"status\": 200, \"request\": \"GET /json HTTP/1.1\", "
                    + "\"backend\": \"web\", \"fport\": " + p + ", \"hexport\": \"" + String.format(Locale.ROOT, "%04X", p)
                    + "\", \"gen\": 1, \"server_port\": " + web.address().port() + "}", line);
            JsonNode parsed = new ObjectMapper().readTree(line);
            assertEquals("GET /json HTTP/1.1", parsed.get("request").asText());
            assertEquals(p, parsed.get("fport").asInt());
        }
    }
}
