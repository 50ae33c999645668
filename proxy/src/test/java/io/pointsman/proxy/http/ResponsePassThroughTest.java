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

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Responses are forwarded as bytes (ServerResponseDecoder): what servers send in odd but
 * valid shapes reaches the client intact, framed right, without hop-by-hop headers.
 * Each case is a scripted server on loopback that answers one request with exact bytes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponsePassThroughTest {
    private ProxyRuntime runtime;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final int port = Clients.freePort();

    @BeforeEach
    void start() {
        runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        runtime.close();
    }

    /**
     * A server that, per connection, reads one request head, writes {@code reply} in pieces
     * of {@code piece} bytes, then echoes what it reads (for tunnels) or closes.
     */
    private HostPort server(String reply, int piece, boolean echoThenClose) throws IOException {
        ServerSocket listener = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        closeables.add(listener);
        Thread t = new Thread(() -> {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                s.setTcpNoDelay(true);
                InputStream in = s.getInputStream();
                RawHttpClient.readHead(in);
                OutputStream out = s.getOutputStream();
                byte[] bytes = reply.getBytes(StandardCharsets.ISO_8859_1);
                for (int at = 0; at < bytes.length; at += piece) {
                    out.write(bytes, at, Math.min(piece, bytes.length - at));
                    out.flush();
                }
                if (echoThenClose) {
                    byte[] buf = new byte[4];
                    int n = in.readNBytes(buf, 0, 4);
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the proxy went away: the test's assertions say whether that was right
            }
        }, "scripted-server");
        t.setDaemon(true);
        t.start();
        return new HostPort("127.0.0.1", listener.getLocalPort());
    }

    private RawHttpClient proxyTo(HostPort server) {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new HttpConfigs().retries(0).defaultBackend("web")
                .backend("web", server).build("127.0.0.1:" + port), "r" + server.port()));
        RawHttpClient c = new RawHttpClient(runtime.boundAddresses("fe").get(0));
        closeables.add(c);
        return c;
    }

    @Test
    void aBodyEndedByTheServersCloseReachesTheClientWhoseConnectionThenCloses() throws Exception {
        RawHttpClient c = proxyTo(server("HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nuntil the close", 1000, false));
        RawHttpClient.Response r = c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("close", r.header("connection"));
        assertEquals("until the close", r.body());
    }

    @Test
    void aHeadArrivingByteByByteAndChunksWithTrailersPassAsTheyCame() throws Exception {
        String body = "4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n";
        RawHttpClient c = proxyTo(server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: X-Private\r\nX-Private: secret\r\nKeep-Alive: timeout=5\r\n\r\n" + body, 1, false));
        c.ensureOpen();
        c.output().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = c.socket().getInputStream();
        String head = RawHttpClient.readHead(in);
        assertEquals("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", head);
        assertEquals(body, new String(in.readNBytes(body.length()), StandardCharsets.ISO_8859_1),
                "chunk extensions and trailers are forwarded byte for byte");
    }

    @Test
    void interimResponsesGoFirstAndTheFinalOneEndsTheExchange() throws Exception {
        RawHttpClient c = proxyTo(server("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1000, false));
        c.ensureOpen();
        c.output().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        RawHttpClient.Response early = c.read();
        assertEquals(103, early.status());
        assertEquals("</a.css>; rel=preload", early.header("link"));
        RawHttpClient.Response last = c.read();
        assertEquals(200, last.status());
        assertEquals("ok", last.body());
        assertNull(last.header("connection"));
    }

    @Test
    void bytesTheServerSendsRightAfterItsSwitchingProtocolsGoThroughTheTunnel() throws Exception {
        RawHttpClient c = proxyTo(server("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n\r\nHELLO", 1000, true));
        c.ensureOpen();
        c.output().write(("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = c.socket().getInputStream();
        String head = RawHttpClient.readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        assertTrue(head.contains("Connection: upgrade\r\n"), head);
        assertEquals("HELLO", new String(in.readNBytes(5), StandardCharsets.ISO_8859_1));
        c.output().write("PING".getBytes(StandardCharsets.ISO_8859_1));
        c.output().flush();
        assertEquals("PING", new String(in.readNBytes(4), StandardCharsets.ISO_8859_1));
    }
}
