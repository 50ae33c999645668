package io.pointsman.proxy.http;

import io.netty.channel.Channel;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Graceful retirement of http connections: idle ones at once, busy ones after their response. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetireConnectionTest {

    @Test
    void idleClosesNowBusyFinishesItsResponseFirst() throws Exception {
        int port = Clients.freePort();
        List<Channel> accepted = new CopyOnWriteArrayList<>();
        HttpFrontendPipeline http = new HttpFrontendPipeline();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP)
                .pipeline(Mode.HTTP, (ch, cx) -> {
                    accepted.add(ch);
                    http.init(ch, cx);
                }).build().start();
             HttpBackend web = new HttpBackend("web");
             RawHttpClient idle = new RawHttpClient(new InetSocketAddress("127.0.0.1", port));
             RawHttpClient busy = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().defaultBackend("web")
                    .backend("web", web.address()).build("127.0.0.1:" + port), "r1"));
            assertEquals("web GET /i", idle.get("/i", "a").body());
            busy.ensureOpen();
            busy.output().write("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Clients.await("held at the server", 10_000, () -> web.requests.get() == 2);
            assertEquals(2, accepted.size());

            for (Channel ch : accepted) {
                assertTrue(RetireConnectionEvent.retire(ch));
            }
            // retire() queues the event on the loop; let it run before the held response is
            // released, or the response may be read in the same loop turn, ahead of it.
            for (Channel ch : accepted) {
                ch.eventLoop().submit(() -> { }).sync();
            }
            assertTrue(idle.closedByPeer(), "idle connection closed at once");
            web.hold.complete(null);
            RawHttpClient.Response r = busy.read();
            assertEquals("web GET /hold", r.body(), "the response in progress is finished");
            assertEquals("close", r.header("connection"));
            assertTrue(busy.closedByPeer());
        }
    }
}
