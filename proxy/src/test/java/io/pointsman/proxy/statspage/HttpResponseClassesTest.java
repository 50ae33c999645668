package io.pointsman.proxy.statspage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Defaults;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Global;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.stats.HttpResponses;
import io.pointsman.proxy.stats.StatsSnapshot;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
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
 * A real proxy on loopback: an http frontend routes to a server that answers 200, 404 and
 * 500; the stats listener then shows one response in each of hrsp_2xx, hrsp_4xx and
 * hrsp_5xx (CSV columns 39-44, as in HAProxy) on the frontend, the server and the backend,
 * in {@code ;csv}, {@code ;json}, {@code /metrics} and the HTML hover box. A tcp listen in
 * the same config keeps those columns empty.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpResponseClassesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> ONE_2XX_4XX_5XX = List.of("0", "1", "0", "1", "1", "0");

    @Test
    void answers200And404And500ShowOneEachInTheirClass() throws Exception {
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        app.createContext("/", exchange -> {
            int status = switch (exchange.getRequestURI().getPath()) {
                case "/ok" -> 200;
                case "/boom" -> 500;
                default -> 404;
            };
            byte[] body = ("status " + status + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        int port = Clients.freePort();
        HostPort appAddress = new HostPort("127.0.0.1", app.getAddress().getPort());
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            assertEquals(ApplyResult.Applied.class,
                    runtime.apply(config(port, Clients.freePort(), appAddress), "r1").getClass());
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            for (String path : List.of("/ok", "/missing", "/boom")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(r.body().startsWith("status " + r.statusCode()), r.body());
            }
            Clients.await("three responses counted on frontend, backend and server", 10_000, () -> {
                StatsSnapshot s = runtime.stats().snapshot();
                return s.frontends().get("fe").responses().total() == 3
                        && s.backends().get("web").responses().total() == 3
                        && s.servers().get("web/" + appAddress).responses().total() == 3;
            });
            HttpResponses expected = new HttpResponses(0, 1, 0, 1, 1, 0);
            assertEquals(expected, runtime.stats().snapshot().frontends().get("fe").responses());
            assertEquals(expected, runtime.stats().snapshot().servers().get("web/" + appAddress).responses());

            try (StatsListener stats = StatsListener.start(new Stats(new HostPort("127.0.0.1", 0), "/stats", null, null),
                    StatsReports.of(runtime, "lb1", "test"))) {
                String base = "http://127.0.0.1:" + stats.localAddress().getPort();

                List<String> csv = get(http, base + "/stats;csv").lines().toList();
                List<String> header = Arrays.asList(csv.get(0).substring(2).split(",", -1));
                assertEquals(List.of("hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other"),
                        header.subList(39, 45), "HAProxy's fields 39-44");
                assertEquals(ONE_2XX_4XX_5XX, hrsp(csv, "fe", "FRONTEND"));
                assertEquals(ONE_2XX_4XX_5XX, hrsp(csv, "web", "app"));
                assertEquals(ONE_2XX_4XX_5XX, hrsp(csv, "web", "BACKEND"));
                List<String> empty = List.of("", "", "", "", "", "");
                assertEquals(empty, hrsp(csv, "lst", "FRONTEND"), "tcp mode: empty, as in HAProxy");
                assertEquals(empty, hrsp(csv, "lst", "lst-app"));
                assertEquals(empty, hrsp(csv, "lst", "BACKEND"));

                String metrics = get(http, base + "/metrics");
                for (String code : List.of("2xx", "4xx", "5xx")) {
                    assertTrue(metrics.contains("pointsman_frontend_http_responses_total{frontend=\"fe\",code=\""
                            + code + "\"} 1\n"), metrics);
                    assertTrue(metrics.contains("pointsman_backend_http_responses_total{backend=\"web\",code=\""
                            + code + "\"} 1\n"), metrics);
                    assertTrue(metrics.contains("pointsman_server_http_responses_total{backend=\"web\",server=\"app\","
                            + "code=\"" + code + "\"} 1\n"), metrics);
                }
                assertTrue(metrics.contains("pointsman_frontend_http_responses_total{frontend=\"fe\",code=\"3xx\"} 0\n"));
                assertTrue(!metrics.contains("{frontend=\"lst\",code="), "no classes for the tcp listen");

                JsonNode json = new ObjectMapper().readTree(get(http, base + "/stats;json"));
                JsonNode fe = json.get("proxies").get(0);
                assertEquals("fe", fe.get("name").asText());
                assertEquals(1, fe.get("frontend").get("httpResponses").get("4xx").asLong());

                String html = get(http, base + "/stats");
                assertTrue(html.contains("<th>Cum. HTTP responses:</th><td>3</td>"), html);
                assertTrue(html.contains("<th>- HTTP 4xx responses:</th><td>1</td><td>(33%)</td>"), html);
            }
        } finally {
            app.stop(0);
        }
    }

    /** The six hrsp cells of one CSV line, found by proxy and service name. */
    private static List<String> hrsp(List<String> csv, String proxy, String service) {
        for (String line : csv) {
            if (line.startsWith(proxy + "," + service + ",")) {
                String[] cells = line.split(",", -1);
                return Arrays.asList(cells).subList(39, 45);
            }
        }
        throw new AssertionError("no CSV line " + proxy + "/" + service + " in\n" + String.join("\n", csv));
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    private static ProxyConfig config(int httpPort, int tcpPort, HostPort app) {
        Frontend fe = new Frontend("fe", Mode.HTTP, List.of(Bind.plain(new HostPort("127.0.0.1", httpPort))), null, null, null,
                null, null, List.of(), List.of(), "web");
        Backend web = new Backend("web", Mode.HTTP, null, null, null, null, 0, false,
                List.of(new Server("app", app, null, null, null, null, null)));
        Listen lst = new Listen("lst", Mode.TCP, List.of(Bind.plain(new HostPort("127.0.0.1", tcpPort))), null, null, null, null,
                null, null, null, null, null, null, List.of(new Server("lst-app", app, null, null, null, null, null)));
        ProxyConfig raw = new ProxyConfig(1, new Global(null, 1, null, null, null),
                new Defaults(Mode.HTTP, null, null, null, null), null, List.of(fe), List.of(web), List.of(lst), null,
                null);
        return Normalizer.normalize(raw);
    }
}
