package io.pointsman.agent.importer.differential;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;

/**
 * A server behind both proxies that says who it is and what it received: it answers every
 * HTTP request (keep-alive, HTTP/1.0 checks included) with 200, a header
 * {@code X-Echo-Server: backend/server} and a body listing the request line and headers it
 * received. It reads a PROXY protocol v1 or v2 header first when one comes (and reports
 * the address it carried), and speaks TLS when the client does (TLS passthrough in tcp mode).
 * A server whose name starts with {@code sick} answers 503 to {@code /health} (checks see it
 * fail; other requests are served).
 * Blocking sockets, a thread per connection: it is test scaffolding.
 */
final class EchoBackend implements AutoCloseable {
    private static final byte[] V2_SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

    final String id;
    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pmimp-echo");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean closed;

    EchoBackend(String id) throws IOException {
        this.id = id;
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        threads.submit(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                threads.submit(() -> serve(s));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(Socket raw) {
        try (Socket s0 = raw) {
            s0.setSoTimeout(10_000);
            BufferedInputStream in = new BufferedInputStream(s0.getInputStream(), 8192);
            String proxied = proxyHeader(in);
            in.mark(1);
            int first = in.read();
            if (first < 0) {
                return;
            }
            in.reset();
            Socket s = s0;
            InputStream input = in;
            boolean tls = first == 0x16;
            if (tls) {
                byte[] pending = new byte[in.available()];
                int n = in.read(pending);
                SSLSocket ssl = (SSLSocket) TestTls.get().server.getSocketFactory()
                        .createSocket(s0, new ByteArrayInputStream(pending, 0, Math.max(n, 0)), true);
                ssl.setUseClientMode(false);
                ssl.startHandshake();
                s = ssl;
                input = new BufferedInputStream(ssl.getInputStream());
            }
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(input);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                long length = 0;
                boolean close = lines[0].endsWith("HTTP/1.0");
                StringBuilder body = new StringBuilder();
                body.append("server=").append(id).append('\n');
                body.append("tls=").append(tls).append('\n');
                if (proxied != null) {
                    body.append("proxy=").append(proxied).append('\n');
                }
                body.append("request=").append(lines[0]).append('\n');
                for (int i = 1; i < lines.length; i++) {
                    body.append("header=").append(lines[i]).append('\n');
                    String lower = lines[i].toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).trim());
                    }
                    if (lower.startsWith("connection:") && lower.contains("close")) {
                        close = true;
                    }
                }
                for (long left = length; left > 0; left--) {
                    if (input.read() < 0) {
                        return;
                    }
                }
                requests.incrementAndGet();
                byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
                boolean head0 = lines[0].startsWith("HEAD ");
                // A server named "sick…" fails its health checks (GET /health …) and serves the rest.
                boolean sick = id.substring(id.indexOf('/') + 1).startsWith("sick") && lines[0].contains(" /health");
                String resp = (sick ? "HTTP/1.1 503 Service Unavailable" : "HTTP/1.1 200 OK") + "\r\nContent-Type: text/plain\r\nX-Echo-Server: " + id
                        + "\r\nContent-Length: " + b.length + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
                out.write(resp.getBytes(StandardCharsets.US_ASCII));
                if (!head0) {
                    out.write(b);
                }
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (Exception e) {
            // a client or check that went away: nothing to do
        }
    }

    /** Reads a PROXY v1/v2 header when there is one; the source address it carried, else null. */
    private static String proxyHeader(BufferedInputStream in) throws IOException {
        in.mark(16);
        byte[] start = in.readNBytes(12);
        in.reset();
        if (start.length >= 6 && new String(start, 0, 6, StandardCharsets.US_ASCII).equals("PROXY ")) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            String[] w = line.toString().trim().split(" ");
            return w.length >= 3 ? "v1 " + w[2] : "v1 " + w[1];
        }
        if (start.length == 12 && java.util.Arrays.equals(start, V2_SIGNATURE)) {
            in.readNBytes(12);
            int verCmd = in.read();
            int fam = in.read();
            int len = (in.read() << 8) | in.read();
            byte[] rest = in.readNBytes(len);
            if ((verCmd & 0x0f) == 1 && (fam >> 4) == 1 && rest.length >= 12) {
                return "v2 " + (rest[0] & 0xff) + "." + (rest[1] & 0xff) + "." + (rest[2] & 0xff) + "." + (rest[3] & 0xff);
            }
            return "v2 family " + (fam >> 4);
        }
        return null;
    }

    /** The request head up to the blank line, without it; null at a clean end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = switch (state) {
                case 0 -> c == '\r' ? 1 : 0;
                case 1 -> c == '\n' ? 2 : c == '\r' ? 1 : 0;
                case 2 -> c == '\r' ? 3 : 0;
                default -> c == '\n' ? 4 : 0;
            };
            if (state == 4) {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.substring(0, s.length() - 4);
            }
            if (b.size() > 65536) {
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        threads.shutdownNow();
    }
}
