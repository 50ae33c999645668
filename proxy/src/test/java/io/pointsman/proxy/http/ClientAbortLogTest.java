package io.pointsman.proxy.http;

import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A client that leaves mid-exchange still gets its access-log line, with HAProxy's
 * termination state (CR: gone while sending its request) and status -1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientAbortLogTest {

    @Test
    void clientGoneInTheMiddleOfItsBodyIsLoggedAsCR() throws Exception {
        int port = Clients.freePort();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP)
                .pipeline(Mode.HTTP, new HttpFrontendPipeline()).build().start();
             HttpBackend web = new HttpBackend("web")) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().defaultBackend("web")
                    .backend("web", web.address()).build("127.0.0.1:" + port), "r1"));
            try (RawHttpClient client = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
                client.ensureOpen();
                client.output().write(("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789")
                        .getBytes(StandardCharsets.ISO_8859_1));
                client.output().flush();
                Clients.await("the request head at the server", 10_000, () -> web.requests.get() == 1);
            }
            Clients.await("an access-log line for the abandoned request", 10_000, () -> {
                String log = captured.toString(StandardCharsets.UTF_8);
                return log.lines().anyMatch(l -> l.contains(" -1 0 CR ") && l.endsWith("\"POST /upload HTTP/1.1\""));
            });
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void aWholeRequestFollowedByFinIsStillAnswered() throws Exception {
        int port = Clients.freePort();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP)
                .pipeline(Mode.HTTP, new HttpFrontendPipeline()).build().start();
             HttpBackend web = new HttpBackend("web")) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().defaultBackend("web")
                    .backend("web", web.address()).build("127.0.0.1:" + port), "r1"));
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                s.shutdownOutput(); // like printf '...' | nc: the request, then FIN
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                org.junit.jupiter.api.Assertions.assertTrue(response.startsWith("HTTP/1.1 200"), response);
                org.junit.jupiter.api.Assertions.assertTrue(response.endsWith("web GET /x"), response);
                org.junit.jupiter.api.Assertions.assertTrue(response.toLowerCase(java.util.Locale.ROOT)
                        .contains("connection: close"), response);
            }
        }
    }
}
