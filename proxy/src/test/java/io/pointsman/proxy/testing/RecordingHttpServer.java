package io.pointsman.proxy.testing;

import io.pointsman.proxy.config.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A plain blocking HTTP/1.1 server on loopback that keeps every request head it receives,
 * byte for byte, so a test can state what a proxy sent to its server (for differential
 * tests: the same server behind HAProxy and behind Pointsman). Reads Content-Length and
 * chunked bodies and drops them; answers each request with what the responder gives for
 * its head (by default {@link #DEFAULT_RESPONSE}); keeps the connection open until the
 * client closes it.
 */
public final class RecordingHttpServer implements AutoCloseable {
    /** A 200 with headers response rules like to act on. */
    public static final String DEFAULT_RESPONSE = "HTTP/1.1 200 OK\r\nServer: recorder/1.0\r\n"
            + "Set-Cookie: sid=abc\r\nX-Debug: 1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-http-server");
        t.setDaemon(true);
        return t;
    });
    private final Function<String, String> responder;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    /** @param responder the whole response (head and body) for a request head */
    public RecordingHttpServer(Function<String, String> responder) throws IOException {
        this.responder = responder;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** Answers {@link #DEFAULT_RESPONSE}, or {@code HTTP/1.1 NNN} for a target {@code /status/NNN}. */
    public RecordingHttpServer() throws IOException {
        this(RecordingHttpServer::defaultResponse);
    }

    private static String defaultResponse(String head) {
        String target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        if (target.startsWith("/status/")) {
            return "HTTP/1.1 " + target.substring(8, 11) + " Status\r\nServer: recorder/1.0\r\nContent-Length: 0\r\n\r\n";
        }
        return DEFAULT_RESPONSE;
    }

    public int port() {
        return socket.getLocalPort();
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", port());
    }

    /** Every request head received so far, in order, blank line included. */
    public List<String> heads() {
        return heads;
    }

    /** Forgets the heads received so far. */
    public void clear() {
        heads.clear();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.add(head);
                skipBody(in, head);
                out.write(responder.apply(head).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (SocketException e) {
            // the client left
        } catch (IOException e) {
            // the client left mid-request
        } finally {
            open.remove(s);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : c == '\r' ? 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        String length = header(head, "content-length");
        String te = header(head, "transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String line = line(in);
                int size = Integer.parseInt(line.split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    return;
                }
                in.readNBytes(size);
                line(in);
            }
        } else if (length != null) {
            in.readNBytes(Integer.parseInt(length.trim()));
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** The first value of a header in a head (name in any case), or null. */
    public static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
        threads.shutdownNow();
    }
}
