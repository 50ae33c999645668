package io.pointsman.proxy.statspage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.config.StatsAuth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real loopback sockets, java.net.http client. */
class StatsListenerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private StatsListener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private StatsListener start(StatsAuth auth) throws InterruptedException {
        Stats stats = new Stats(new HostPort("127.0.0.1", 0), "/stats", Duration.ofSeconds(7), auth);
        listener = StatsListener.start(stats, SampleReports::sample);
        return listener;
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + listener.localAddress().getPort() + path)).timeout(TIMEOUT);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHtmlCsvJsonAndMetrics() throws Exception {
        start(null);
        HttpResponse<String> html = get("/stats", null);
        assertEquals(200, html.statusCode());
        assertTrue(html.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        assertTrue(html.body().contains("<meta http-equiv=\"refresh\" content=\"7\">"), "refresh from stats.refresh");
        assertTrue(html.body().contains("title=\"" + SampleReports.REVISION + "\">0123456<"));

        HttpResponse<String> csv = get("/stats;csv", null);
        assertEquals(200, csv.statusCode());
        assertTrue(csv.body().startsWith("# pxname,svname,qcur,qmax,"));
        assertTrue(csv.body().contains("\nweb-farm,web1,"));

        HttpResponse<String> json = get("/stats;json", null);
        assertEquals(200, json.statusCode());
        assertEquals("application/json", json.headers().firstValue("content-type").orElseThrow());
        assertEquals(42, new ObjectMapper().readTree(json.body()).get("generation").asLong());

        HttpResponse<String> metrics = get("/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        assertTrue(metrics.body().contains("pointsman_server_up{backend=\"web-farm\",server=\"web0\"} 1"));

        assertEquals(200, get("/stats?x=1", null).statusCode(), "query string ignored");
        assertEquals(404, get("/other", null).statusCode());
        assertEquals(404, get("/stats;xml", null).statusCode());
    }

    @Test
    void basicAuthGuardsEveryForm() throws Exception {
        start(new StatsAuth("admin", "pw"));
        for (String path : new String[] {"/stats", "/stats;csv", "/stats;json", "/metrics"}) {
            HttpResponse<String> none = get(path, null);
            assertEquals(401, none.statusCode(), path);
            assertEquals("Basic realm=\"Pointsman Statistics\"",
                    none.headers().firstValue("www-authenticate").orElseThrow());
            assertFalse(none.body().contains("web-farm"), "nothing leaks without credentials");
            assertEquals(401, get(path, StatsRenderersTest.basic("admin:nope")).statusCode(), path);
            assertEquals(200, get(path, StatsRenderersTest.basic("admin:pw")).statusCode(), path);
        }
    }

    @Test
    void reconfigureChangesUriAndAuthWithoutRebinding() throws Exception {
        start(null);
        int port = listener.localAddress().getPort();
        listener.reconfigure(new Stats(new HostPort("127.0.0.1", port), "/haproxy", null, new StatsAuth("u", "p")));
        assertEquals(404, get("/stats", null).statusCode());
        assertEquals(401, get("/haproxy", null).statusCode());
        HttpResponse<String> page = get("/haproxy", StatsRenderersTest.basic("u:p"));
        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains("http-equiv=\"refresh\""), "refresh now off");
        assertEquals(port, listener.localAddress().getPort());
    }

    @Test
    void reportIsTakenPerRequest() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Stats stats = new Stats(new HostPort("127.0.0.1", 0), "/stats", null, null);
        listener = StatsListener.start(stats, () -> {
            calls.incrementAndGet();
            return SampleReports.sample();
        });
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/stats;json", null).statusCode());
        }
        assertEquals(3, calls.get());
    }

    @Test
    void otherMethodsRefused() throws Exception {
        start(null);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + listener.localAddress().getPort() + "/stats"))
                .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void bindFailureIsReported() throws Exception {
        start(null);
        int taken = listener.localAddress().getPort();
        Stats clash = new Stats(new HostPort("127.0.0.1", taken), "/stats", null, null);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> StatsListener.start(clash, SampleReports::sample).close());
        assertTrue(e.getMessage() != null && e.getMessage().toLowerCase().contains("address"), e.toString());
    }
}
