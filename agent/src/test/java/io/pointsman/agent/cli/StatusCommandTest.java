package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StatusCommandTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve(String json) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/status", exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void readyNodeIsSummarisedAndExitsZero() throws IOException {
        String url = serve("""
                {"node":"lb1","repo":"https://git.example/cfg.git","branch":"main","ready":true,"reason":"Applied",
                 "message":"applied generation 3","lastAppliedRevision":"main@sha1:0123456789abcdef0123456789abcdef01234567",
                 "lastAttemptedRevision":"main@sha1:0123456789abcdef0123456789abcdef01234567","generation":3,
                 "lastFetchTime":"2026-11-23T20:00:00Z","lastApplyTime":"2026-11-23T20:00:01Z","nextPollTime":"2026-11-23T20:01:00Z",
                 "history":[{"revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","result":"success","reason":"Applied",
                             "message":"applied generation 3","time":"2026-11-23T20:00:01Z","durationMs":12}],
                 "certificates":[{"file":"/etc/pointsman/site.pem","kind":"certificate","names":["www.example","example.com"],
                                  "notAfter":"2027-02-21T10:00:00Z","error":null},
                                 {"file":"/etc/pointsman/clients.crl","kind":"crl","names":[],"notAfter":null,
                                  "error":"file not found: /etc/pointsman/clients.crl"}]}
                """);
        Run r = run("status", "--url", url);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2027-02-21T10:00:00Z     certificate /etc/pointsman/site.pem www.example, example.com"),
                r.out());
        assertTrue(r.out().contains("NOT RELOADED (the previous one serves): file not found: /etc/pointsman/clients.crl"),
                r.out());
        assertTrue(r.out().contains("node        lb1"), r.out());
        assertTrue(r.out().contains("ready       yes — Applied"), r.out());
        assertTrue(r.out().contains("main@0123456"), r.out());
        assertTrue(r.out().contains("generation 3"), r.out());
    }

    @Test
    void bgpLineSaysWhatIsAnnouncedOrWhyNot() throws IOException {
        String url = serve("""
                {"node":"lb1","ready":true,"reason":"Applied","history":[],
                 "bgp":{"prefixes":["192.0.2.10/32"],"announced":["192.0.2.10/32"],"withdrawnBecause":null,
                        "birdReconfigured":true,"message":"announced"}}
                """);
        assertTrue(run("status", "--url", url).out().contains("bgp         announcing 192.0.2.10/32\n"));
        stop();
        url = serve("""
                {"node":"lb1","ready":true,"reason":"Suspended","history":[],
                 "bgp":{"prefixes":["192.0.2.10/32"],"announced":[],"withdrawnBecause":"suspended",
                        "birdReconfigured":false,"message":"BIRD not reconfigured: no control socket /run/bird/bird.ctl"}}
                """);
        assertTrue(run("status", "--url", url).out().contains(
                "bgp         withdrawn (suspended) — BIRD not told: BIRD not reconfigured: no control socket /run/bird/bird.ctl\n"));
    }

    @Test
    void refusedCommitExitsOne() throws IOException {
        String url = serve("""
                {"node":"lb2","ready":false,"reason":"ValidationFailed","message":"proxy.yaml:3: version: must be 1","history":[]}
                """);
        Run r = run("status", "--url", url);
        assertEquals(1, r.code());
        assertTrue(r.out().contains("ready       NO — ValidationFailed"), r.out());
        assertTrue(r.out().contains("proxy.yaml:3: version: must be 1"), r.out());
    }

    @Test
    void unreachableNodeExitsThree() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = run("status", "--url", "http://127.0.0.1:" + port);
        assertEquals(StatusCommand.UNREACHABLE, r.code());
        assertTrue(r.err().contains("cannot reach"), r.err());
    }

    @Test
    void shortRevision() {
        assertEquals("main@0123456", StatusCommand.shortRevision("main@sha1:0123456789abcdef0123456789abcdef01234567"));
        assertEquals("-", StatusCommand.shortRevision("-"));
    }
}
