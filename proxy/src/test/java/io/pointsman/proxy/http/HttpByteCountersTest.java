package io.pointsman.proxy.http;

import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.stats.CountersSnapshot;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/bout count whole HTTP messages, heads included, as HAProxy's do: bodyless GETs are not 0 bytes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpByteCountersTest {

    @Test
    void headsAreCountedOnBothSides() throws Exception {
        int port = Clients.freePort();
        String request = "GET /plain HTTP/1.1\r\nHost: a\r\nUser-Agent: bytes-test\r\n\r\n";
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
             HttpBackend web = new HttpBackend("web");
             RawHttpClient client = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().defaultBackend("web")
                    .backend("web", web.address()).build("127.0.0.1:" + port), "r1").getClass());
            String body = "web GET /plain";
            assertEquals(body, client.send(request).body());
            assertEquals(body, client.send(request).body());

            CountersSnapshot fe = runtime.stats().snapshot().frontends().get("fe");
            assertEquals(2L * request.getBytes(StandardCharsets.ISO_8859_1).length, fe.bytesIn(),
                    "every byte the client sent");
            assertTrue(fe.bytesOut() > 2L * (body.length() + "HTTP/1.1 200 OK\r\n".length()),
                    "status lines, headers and bodies sent: " + fe.bytesOut());
            for (CountersSnapshot side : new CountersSnapshot[] {
                    runtime.stats().snapshot().backends().get("web"),
                    runtime.stats().snapshot().servers().get("web/" + web.address())}) {
                assertTrue(side.bytesIn() > 2L * "GET /plain HTTP/1.1\r\n".length(),
                        "request heads sent to the server: " + side.bytesIn());
                assertTrue(side.bytesOut() > 2L * body.length() + "HTTP/1.1 200 OK\r\n".length(),
                        "responses received, heads included: " + side.bytesOut());
            }
        }
    }
}
