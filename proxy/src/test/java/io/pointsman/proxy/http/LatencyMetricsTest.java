package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.statspage.StatsListener;
import io.pointsman.proxy.statspage.StatsReports;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Promtool;
import io.pointsman.proxy.testing.YamlConfigs;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics} has Prometheus histograms of queue, connect, response-head and total
 * time per backend and server, and of check durations, counting what was served; and
 * Prometheus' own linter finds nothing wrong with the page.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LatencyMetricsTest {

    @Test
    void histogramsCountRequestsAndPassPromtool() throws Exception {
        try (HttpBackend web = new HttpBackend("web");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      log: [{ target: "udp://127.0.0.1:%d" }]
                    frontends:
                      - { name: fe, bind: ["127.0.0.1:%d"], default_backend: web }
                    backends:
                      - name: web
                        check: { type: http, path: /health, interval: 100ms }
                        servers: [{ name: "w\\"1", address: "%s", check: true }]
                    """.formatted(Clients.deadPort(), port, web.address());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            try (RawHttpClient client = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
                for (int i = 0; i < 25; i++) {
                    assertEquals(200, client.get("/x", "a").status());
                }
            }
            Clients.await("a few checks", 10_000, () -> runtime.health().states().values().stream()
                    .allMatch(s -> s.snapshot().checks() >= 3));
            StatsListener listener = StatsListener.start(new Stats(new HostPort("127.0.0.1", 0), "/stats",
                    Duration.ofSeconds(10), null), StatsReports.of(runtime, "lb1", "test"));
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + listener.localAddress().getPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                String metrics = r.body();
                assertEquals("", Promtool.check(metrics), metrics);
                assertEquals(25, value(metrics, "pointsman_backend_total_time_seconds_count{backend=\"web\"}"));
                assertEquals(25, value(metrics,
                        "pointsman_server_response_time_seconds_bucket{backend=\"web\",server=\"w\\\"1\",le=\"+Inf\"}"));
                assertTrue(value(metrics, "pointsman_backend_connect_time_seconds_bucket{backend=\"web\",le=\"30\"}") >= 1);
                assertTrue(value(metrics, "pointsman_server_check_time_seconds_count{backend=\"web\",server=\"w\\\"1\"}")
                        >= 3);
                assertTrue(metrics.contains("# TYPE pointsman_backend_queue_time_seconds histogram"), metrics);
                assertTrue(metrics.contains("pointsman_log_lines_sent_total{target=\"udp://127.0.0.1:"), metrics);
                assertTrue(metrics.contains("pointsman_log_lines_dropped_total{target=\"default\"} 0"), metrics);
            } finally {
                listener.close();
            }
        }
    }

    private static double value(String metrics, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), sample + " not in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }
}
