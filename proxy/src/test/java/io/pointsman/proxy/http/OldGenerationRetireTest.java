package io.pointsman.proxy.http;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code max_old_generations} exceeded: the oldest generation's http connections end
 * gracefully (SPEC §4) — a response in flight is finished (with {@code Connection: close}),
 * an idle keep-alive connection gets a clean FIN, a newer old generation is untouched —
 * and a response that never comes is cut after the retire grace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OldGenerationRetireTest {

    @Test
    void oldestGenerationFinishesItsResponsesThenCloses() throws Exception {
        int port = Clients.freePort();
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP)
                .retireGrace(Duration.ofSeconds(30)).build().start();
             HttpBackend web = new HttpBackend("web");
             RawHttpClient idle = new RawHttpClient(proxy);
             RawHttpClient busy = new RawHttpClient(proxy);
             RawHttpClient younger = new RawHttpClient(proxy)) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(web, port), "r1"));
            assertEquals("web GET /i", idle.get("/i", "a").body());
            busy.output().write("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Clients.await("request held at the server", 10_000, () -> web.requests.get() == 2);

            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(web, port), "r2"));
            assertEquals("web GET /y", younger.get("/y", "a").body(), "a keep-alive connection on r2");
            // r1 and r2 are old now: one more than max_old_generations=1, so r1 is closed.
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(web, port), "r3"));

            assertTrue(idle.closedByPeer(), "the idle r1 connection gets a clean EOF (a reset would throw)");
            web.hold.complete(null);
            RawHttpClient.Response r = busy.read();
            assertEquals(200, r.status());
            assertEquals("web GET /hold", r.body(), "the response in flight is finished whole");
            assertEquals("close", r.header("connection"));
            assertTrue(busy.closedByPeer(), "then the connection ends");

            RawHttpClient.Response again = younger.get("/y2", "a");
            assertEquals("web GET /y2", again.body(), "r2 is within the limit: its connection stays");
            assertEquals(1, younger.connectionsOpened);
        }
    }

    @Test
    void aResponseThatNeverComesIsCutAfterTheGrace() throws Exception {
        int port = Clients.freePort();
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP)
                .retireGrace(Duration.ofMillis(300)).build().start();
             HttpBackend web = new HttpBackend("web");
             RawHttpClient younger = new RawHttpClient(proxy);
             Socket stuck = new Socket()) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(web, port), "r1"));
            stuck.connect(proxy, 5000);
            stuck.setSoTimeout(15_000);
            stuck.getOutputStream().write("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Clients.await("request held at the server", 10_000, () -> web.requests.get() == 1);
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(web, port), "r2"));
            younger.get("/y", "a");
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(web, port), "r3"));

            // The server never answers: the grace ends and the connection is closed.
            assertTrue(endsWithoutResponse(stuck.getInputStream()), "the stuck r1 connection is closed");
            web.hold.complete(null);
        }
    }

    /** True when the stream ends (EOF or reset) before any response byte arrives. */
    private static boolean endsWithoutResponse(InputStream in) {
        try {
            return in.read() == -1;
        } catch (IOException reset) {
            return true;
        }
    }

    private static ProxyConfig config(HttpBackend web, int port) {
        return new HttpConfigs().maxOldGenerations(1).defaultBackend("web").backend("web", web.address())
                .build("127.0.0.1:" + port);
    }
}
