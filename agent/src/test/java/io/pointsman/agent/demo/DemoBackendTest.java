package io.pointsman.agent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class DemoBackendTest {
    @Test
    void answersWithItsNameAndHealth() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (DemoBackend web0 = DemoBackend.start("web0", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), group)) {
            String base = "http://127.0.0.1:" + web0.address().getPort();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/x?y=1"))
                    .header("X-Forwarded-For", "203.0.113.9").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, hello.statusCode());
            assertTrue(hello.body().startsWith("Hello from web0 — GET /x?y=1 (X-Forwarded-For: 203.0.113.9)"), hello.body());
            assertEquals("web0", hello.headers().firstValue("X-Served-By").orElse(""));
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("ok\n", health.body());
            HttpResponse<String> slow = client.send(HttpRequest.newBuilder(URI.create(base + "/slow?ms=200")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(slow.body().startsWith("Hello from web0 — GET /slow?ms=200"), slow.body());
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
