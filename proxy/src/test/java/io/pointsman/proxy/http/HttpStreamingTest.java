package io.pointsman.proxy.http;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upgrades, 100-continue and backpressure through the proxy. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpStreamingTest {
    private ProxyRuntime runtime;
    private HttpBackend web;
    private final int port = Clients.freePort();

    @BeforeEach
    void start() throws Exception {
        runtime = ProxyRuntime.builder().threads(2).health(HealthView.ALWAYS_UP).build().start();
        web = new HttpBackend("web");
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().defaultBackend("web")
                .backend("web", web.address()).build("127.0.0.1:" + port), "r1"));
    }

    @AfterEach
    void stop() {
        runtime.close();
        web.close();
    }

    @Test
    void webSocketEchoThroughTheProxy() throws Exception {
        echo(port);
    }

    private void echo(int port) throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return CompletableFuture.completedFuture(null);
                    }
                }).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            ws.sendText("hello " + i, true).get(10, TimeUnit.SECONDS);
            assertEquals("web:hello " + i, received.poll(10, TimeUnit.SECONDS));
        }
        String big = "x".repeat(300_000);
        ws.sendText(big, true).get(10, TimeUnit.SECONDS);
        StringBuilder echoed = new StringBuilder();
        while (echoed.length() < big.length() + 4) {
            String part = received.poll(10, TimeUnit.SECONDS);
            assertTrue(part != null, "echo of the large message");
            echoed.append(part);
        }
        assertEquals("web:" + big, echoed.toString());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    @Test
    void idleTunnelIsClosedAfterTimeoutTunnel() throws Exception {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs()
                .timeouts(new io.pointsman.proxy.config.Timeouts(java.time.Duration.ofSeconds(2),
                        java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(10),
                        java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(10), null,
                        java.time.Duration.ofMillis(300), null))
                .defaultBackend("web").backend("web", web.address()).build("127.0.0.1:" + port), "r2"));
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        events.add("text " + data);
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        events.add("closed");
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        events.add("closed");
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("ping", true).get(10, TimeUnit.SECONDS);
        assertEquals("text web:ping", events.poll(10, TimeUnit.SECONDS));
        assertEquals("closed", events.poll(10, TimeUnit.SECONDS), "idle tunnel closed by the proxy");
    }

    @Test
    void expectContinueIsRelayedBeforeTheBody() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String interim = RawHttpClient.readHead(in);
            assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = RawHttpClient.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
            assertEquals("5", new String(in.readNBytes(1), StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Small responses go to the client by a direct send(2) when nothing is queued; a client
     * that stops reading fills its socket, so sends come up short and the rest queues in
     * Netty. Thousands of pipelined responses across that edge must arrive whole, in order.
     */
    @Test
    void manySmallResponsesToAClientThatReadsLateArriveWholeAndInOrder() throws Exception {
        int n = 2500;
        String pad = "p".repeat(400); // bodies of ~420 bytes: each response is one buffer
        // The backend echoes request headers as X-Seen-*: ~2.5 KB heads, ~7 MB of responses
        // in all, far more than the proxy's socket to this client can hold.
        String header = "X-Pad: " + "h".repeat(2000) + "\r\n";
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(20_000);
            AtomicReference<Exception> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < n; i++) {
                        out.write(("GET /" + i + "-" + pad + " HTTP/1.1\r\nHost: a\r\n" + header + "\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                } catch (Exception e) {
                    writeFailure.set(e);
                }
            }, "pipelining-writer");
            writer.start();
            Thread.sleep(1000); // the client reads nothing yet: the proxy's sends to it fill its socket
            InputStream in = s.getInputStream();
            for (int i = 0; i < n; i++) {
                String head = RawHttpClient.readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200 "), "response " + i + ": " + head);
                int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
                assertTrue(at > 0, head);
                int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).trim());
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                assertEquals("web GET /" + i + "-" + pad, body, "response " + i);
            }
            writer.join(10_000);
            assertEquals(null, writeFailure.get());
        }
    }

    @Test
    void slowReaderHoldsBackTheServerInsteadOfFillingMemory() throws Exception {
        long size = 256L << 20;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /download?n=" + size + " HTTP/1.1\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            // Read nothing: the server must stall once the socket buffers on the way are full.
            long stalledAt = awaitStall();
            assertTrue(stalledAt < 64L << 20, "server stalled after " + stalledAt + " bytes, far from " + size);
            InputStream in = s.getInputStream();
            String head = RawHttpClient.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
            assertEquals(size, skip(in, size));
            assertEquals(size, web.streamed.get());
        }
    }

    @Test
    void slowServerHoldsBackTheUploadAndTheUploadResumesWhenItReads() throws Exception {
        long size = 256L << 20;
        try (ServerSocket raw = new ServerSocket()) {
            raw.setReceiveBufferSize(64 * 1024);
            raw.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().defaultBackend("slow")
                    .backend("slow", new HostPort("127.0.0.1", raw.getLocalPort())).build("127.0.0.1:" + port), "r2"));
            AtomicLong sent = new AtomicLong();
            AtomicReference<Throwable> uploadFailed = new AtomicReference<>();
            try (Socket client = new Socket()) {
                client.setSendBufferSize(64 * 1024);
                client.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                client.setSoTimeout(30_000);
                Thread uploader = new Thread(() -> {
                    try {
                        OutputStream out = client.getOutputStream();
                        out.write(("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        byte[] piece = new byte[1 << 16];
                        for (long n = 0; n < size; n += piece.length) {
                            out.write(piece);
                            sent.addAndGet(piece.length);
                        }
                        out.flush();
                    } catch (Exception e) {
                        uploadFailed.set(e);
                    }
                }, "uploader");
                uploader.setDaemon(true);
                uploader.start();
                try (Socket server = raw.accept()) {
                    server.setSoTimeout(30_000);
                    InputStream in = server.getInputStream();
                    assertTrue(RawHttpClient.readHead(in).startsWith("POST /upload HTTP/1.1"));
                    // Read none of the body: the proxy must stop reading the client, so the upload stalls.
                    long stalledAt = awaitStill(sent);
                    assertTrue(stalledAt < 64L << 20, "upload stalled after " + stalledAt + " bytes, far from " + size);
                    // Read it all now: the proxy must take up reading the client again.
                    assertEquals(size, skip(in, size));
                    server.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    server.getOutputStream().flush();
                    uploader.join(30_000);
                    assertEquals(null, uploadFailed.get());
                    String head = RawHttpClient.readHead(client.getInputStream());
                    assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
                }
            }
        }
    }

    /** Reads and drops up to {@code size} bytes; returns how many came before EOF. */
    private static long skip(InputStream in, long size) throws java.io.IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        while (total < size) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, size - total));
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Waits (bounded) until {@code counter} stops moving; returns it. */
    private static long awaitStill(AtomicLong counter) throws InterruptedException {
        long last = -1;
        int still = 0;
        for (int i = 0; i < 200 && still < 5; i++) {
            Thread.sleep(50);
            long now = counter.get();
            still = now == last && now > 0 ? still + 1 : 0;
            last = now;
        }
        assertTrue(still >= 5, "never stalled: " + last);
        return last;
    }

    /** Waits (bounded) until the server's streamed count stops moving; returns it. */
    private long awaitStall() throws InterruptedException {
        return awaitStill(web.streamed);
    }
}
