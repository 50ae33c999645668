package io.pointsman.proxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.stats.CountersSnapshot;
import io.pointsman.proxy.statspage.StatsListener;
import io.pointsman.proxy.statspage.StatsReports;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HAProxy's error columns filled from the http path: a malformed request is the
 * frontend's {@code ereq} (not {@code dreq}), a garbage server response is the backend's
 * and the server's {@code eresp}; both show in {@code ;csv}, {@code ;json} and {@code /metrics}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorCountersTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void malformedRequestIsEreqGarbageResponseIsEresp() throws Exception {
        int port = Clients.freePort();
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);
        try (ServerSocket garbage = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             RawHttpClient client = new RawHttpClient(proxy)) {
            Thread server = new Thread(() -> answerWithGarbage(garbage), "garbage-server");
            server.setDaemon(true);
            server.start();
            HostPort garbageAddress = new HostPort("127.0.0.1", garbage.getLocalPort());
            assertEquals(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().retries(0)
                    .defaultBackend("web").backend("web", garbageAddress).build("127.0.0.1:" + port), "r1").getClass());

            RawHttpClient.Response bad = client.send("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            assertEquals(400, bad.status());
            RawHttpClient.Response gw = client.get("/", "a");
            assertEquals(502, gw.status());

            CountersSnapshot fe = runtime.stats().snapshot().frontends().get("fe");
            assertEquals(1, fe.requestErrors(), "the 400 is a request error");
            assertEquals(0, fe.denied(), "not a denial");
            assertEquals(1, runtime.stats().snapshot().backends().get("web").responseErrors());
            assertEquals(1, runtime.stats().snapshot().servers().get("web/" + garbageAddress).responseErrors());
            assertEquals(1, fe.responses5xx(), "the 502 page is a 5xx answer; the 400 is not");
            assertEquals(1, runtime.stats().snapshot().backends().get("web").responses5xx());

            try (StatsListener stats = StatsListener.start(
                    new Stats(new HostPort("127.0.0.1", 0), "/stats", null, null),
                    StatsReports.of(runtime, "node-a", "test"))) {
                String base = "http://127.0.0.1:" + stats.localAddress().getPort();
                List<String> csv = get(base + "/stats;csv").lines().toList();
                List<String> cols = Arrays.asList(csv.get(0).substring(2).split(",", -1));
                assertEquals("1", cell(csv, cols, "fe", "FRONTEND", "ereq"));
                assertEquals("1", cell(csv, cols, "web", "BACKEND", "eresp"));
                assertEquals("1", cell(csv, cols, "web", "web0", "eresp"));
                assertEquals("0", cell(csv, cols, "web", "BACKEND", "qmax"));

                JsonNode json = new ObjectMapper().readTree(get(base + "/stats;json"));
                JsonNode web = null;
                for (JsonNode p : json.get("proxies")) {
                    if (p.get("name").asText().equals("web")) {
                        web = p;
                    }
                }
                assertEquals(1, web.get("backend").get("responseErrors").asLong());

                String metrics = get(base + "/metrics");
                assertTrue(metrics.contains("pointsman_frontend_request_errors_total{frontend=\"fe\"} 1"), metrics);
                assertTrue(metrics.contains("pointsman_backend_response_errors_total{backend=\"web\"} 1"), metrics);
                assertTrue(metrics.contains("pointsman_server_response_errors_total{backend=\"web\",server=\"web0\"} 1"),
                        metrics);
            }
        }
    }

    @Test
    void aServersOwn5xxAnswerIsCounted() throws Exception {
        int port = Clients.freePort();
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);
        try (ServerSocket failing = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             RawHttpClient client = new RawHttpClient(proxy)) {
            Thread server = new Thread(() -> answerWith(failing,
                    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom"), "failing-server");
            server.setDaemon(true);
            server.start();
            HostPort address = new HostPort("127.0.0.1", failing.getLocalPort());
            assertEquals(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().retries(0)
                    .defaultBackend("web").backend("web", address).build("127.0.0.1:" + port), "r1").getClass());
            assertEquals(500, client.get("/", "a").status());
            assertEquals(500, client.get("/", "a").status());
            assertEquals(2, runtime.stats().snapshot().backends().get("web").responses5xx());
            assertEquals(2, runtime.stats().snapshot().servers().get("web/" + address).responses5xx());
            assertEquals(2, runtime.stats().snapshot().frontends().get("fe").responses5xx());
            assertEquals(0, runtime.stats().snapshot().backends().get("web").responseErrors(), "a 500 is a good response");
        }
    }

    /** Reads request heads and answers each with {@code response}, until the socket closes. */
    private static void answerWith(ServerSocket listening, String response) {
        try (Socket s = listening.accept()) {
            InputStream in = s.getInputStream();
            while (true) {
                String head = RawHttpClient.readHead(in);
                if (!head.endsWith("\r\n\r\n")) {
                    return;
                }
                s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            }
        } catch (IOException e) {
            // the test is over
        }
    }

    private static String cell(List<String> csv, List<String> cols, String pxname, String svname, String col) {
        for (String line : csv) {
            String[] cells = line.split(",", -1);
            if (cells[0].equals(pxname) && cells[1].equals(svname)) {
                return cells[cols.indexOf(col)];
            }
        }
        throw new AssertionError("no csv line " + pxname + "," + svname + " in " + csv);
    }

    private static String get(String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    /** Reads request heads and answers each with bytes that are not HTTP, until the socket closes. */
    private static void answerWithGarbage(ServerSocket listening) {
        for (int i = 0; i < 10; i++) {
            try (Socket s = listening.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int ch = in.read();
                    if (ch < 0) {
                        break;
                    }
                    head.append((char) ch);
                }
                s.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                in.read(); // until the proxy closes
            } catch (IOException closed) {
                return;
            }
        }
    }
}
