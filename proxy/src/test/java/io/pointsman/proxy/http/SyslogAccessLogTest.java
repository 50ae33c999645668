package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.log.LogSink;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Rsyslog;
import io.pointsman.proxy.testing.YamlConfigs;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Access lines reach a real rsyslogd over UDP (RFC 5424), TCP (RFC 3164, octet counted)
 * and its unix datagram socket at once, with the facility, severity, tag and host name
 * each target says, in the frontend's format; a target that cannot be reached loses
 * lines (counted) and slows nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyslogAccessLogTest {

    @Test
    void linesReachRsyslogOverUdpTcpAndTheLocalSocket() throws Exception {
        try (Rsyslog syslog = Rsyslog.start();
             HttpBackend web = new HttpBackend("web");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      log:
                        - { target: "udp://127.0.0.1:%d", format: rfc5424, facility: local3, tag: pmudp, hostname: lb-one }
                        - { target: "tcp://127.0.0.1:%d", format: rfc3164, facility: local4, tag: pmtcp }
                        - { target: "unix://%s", facility: local5, tag: pmunix }
                        - { target: "udp://127.0.0.1:%d", level: notice, tag: pmquiet }
                    frontends:
                      - name: fe
                        bind: ["127.0.0.1:%d"]
                        default_backend: web
                        capture: { request_headers: [{ name: User-Agent, len: 10 }, { name: X-None }] }
                    backends:
                      - name: web
                        servers: [{ name: w1, address: "%s" }]
                      - name: checked
                        check: { interval: 200ms }
                        servers: [{ name: gone, address: "127.0.0.1:%d", check: true }]
                    """.formatted(syslog.udpPort(), syslog.tcpPort(), syslog.socket(), syslog.udpPort(), port,
                    web.address(), Clients.deadPort());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "abcdef123456"));
            try (RawHttpClient client = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
                for (int i = 0; i < 3; i++) {
                    RawHttpClient.Response response = client.send("GET /hello/" + i + " HTTP/1.1\r\nHost: a\r\n"
                            + "User-Agent: curl/8.0 \"quoted\"\r\n\r\n");
                    assertEquals(200, response.status());
                }
            }
            Pattern line = Pattern.compile("127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] fe "
                    + "web/w1 0/0/\\d+/\\d+/\\d+ 200 \\d+ -- gen=1\\(abcdef1\\) \\{curl/8\\.0 #22\\|\\} \"GET /hello/0 HTTP/1\\.1\"");
            List<String> udp = access(syslog, "|pmudp[");
            assertTrue(udp.get(0).startsWith("local3.info|lb-one|pmudp["), udp.get(0));
            assertTrue(line.matcher(udp.get(0)).find(), udp.get(0));
            List<String> tcp = access(syslog, "|pmtcp[");
            assertTrue(tcp.get(0).startsWith("local4.info|"), tcp.get(0));
            assertTrue(line.matcher(tcp.get(0)).find(), tcp.get(0));
            assertTrue(tcp.get(2).contains("\"GET /hello/2 HTTP/1.1\""), tcp.get(2));
            // A header value is cut to its len, then escaped as HAProxy does ('"' is #22).
            List<String> unix = access(syslog, "|pmunix[");
            assertTrue(unix.get(0).startsWith("local5.info|"), unix.get(0));
            assertTrue(line.matcher(unix.get(0)).find(), unix.get(0));
            // A server going DOWN is said at alert on every target; the notice-level target gets that
            // and no access line (info).
            List<String> down = syslog.await("Server checked/gone is DOWN, reason: Layer4 connection problem", 4);
            assertTrue(down.stream().anyMatch(l -> l.startsWith("local0.alert|") && l.contains("|pmquiet[")),
                    String.join("\n", down));
            assertTrue(syslog.lines().stream().filter(l -> l.contains("|pmquiet[")).allMatch(l -> l.contains("Server ")),
                    String.join("\n", syslog.lines()));
            for (LogSink s : runtime.logSinks()) {
                assertEquals(0, s.dropped() + s.failed(), s + " dropped or lost lines");
            }
        }
    }

    /** The three access lines one target got, in order. */
    private static List<String> access(Rsyslog syslog, String tag) throws Exception {
        syslog.await(tag, 3);
        Clients.await("3 access lines with " + tag, 15_000, () -> {
            try {
                return syslog.lines().stream().filter(l -> l.contains(tag) && l.contains("GET /hello")).count() == 3;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return syslog.lines().stream().filter(l -> l.contains(tag) && l.contains("GET /hello")).toList();
    }

    @Test
    void unreachableTargetsCountLostLinesAndSlowNothing() throws Exception {
        try (HttpBackend web = new HttpBackend("web");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      log:
                        - { target: "udp://pmlog-no-such-host.invalid:514" }
                        - { target: "tcp://127.0.0.1:%d" }
                    frontends:
                      - { name: fe, bind: ["127.0.0.1:%d"], default_backend: web, log_format: json }
                    backends:
                      - { name: web, servers: [{ name: w1, address: "%s" }] }
                    """.formatted(Clients.deadPort(), port, web.address());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            long started = System.nanoTime();
            try (RawHttpClient client = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
                for (int i = 0; i < 200; i++) {
                    assertEquals(200, client.get("/x", "a").status());
                }
            }
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "requests were held up");
            Clients.await("both targets count their lost lines", 20_000, () -> runtime.logSinks().stream()
                    .allMatch(s -> s.failed() > 0));
            for (LogSink s : runtime.logSinks()) {
                assertEquals(0, s.sent(), s + " sent lines nowhere");
            }
        }
    }
}
