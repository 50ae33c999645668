package io.pointsman.proxy.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately plain HTTP/1.1 client over one socket: writes exactly the bytes given,
 * parses one response (Content-Length or chunked or until close), never retries. When a
 * response says {@code Connection: close} the next request opens a new socket.
 */
final class RawHttpClient implements AutoCloseable {
    private final InetSocketAddress proxy;
    /** The local address to connect from (e.g. 127.0.0.2), or null for any. */
    private final String fromHost;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    int connectionsOpened;

    RawHttpClient(InetSocketAddress proxy) {
        this(proxy, null);
    }

    /** Reads (and sends) on a socket the test opened itself, e.g. after writing pipelined requests. */
    RawHttpClient(Socket socket) throws IOException {
        this.proxy = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.fromHost = null;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.connectionsOpened = 1;
    }

    /** A client connecting from {@code fromHost} (a loopback address such as 127.0.0.2). */
    RawHttpClient(InetSocketAddress proxy, String fromHost) {
        this.proxy = proxy;
        this.fromHost = fromHost;
    }

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean closes() {
            return "close".equalsIgnoreCase(header("connection"));
        }
    }

    Response get(String path, String host) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    Response send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    Response send(byte[] raw) throws IOException {
        ensureOpen();
        out.write(raw);
        out.flush();
        Response r = read();
        if (r.closes()) {
            close();
        }
        return r;
    }

    void ensureOpen() throws IOException {
        if (socket == null) {
            socket = new Socket();
            if (fromHost != null) {
                socket.bind(new InetSocketAddress(fromHost, 0));
            }
            socket.connect(proxy, 5000);
            socket.setSoTimeout(15000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            connectionsOpened++;
        }
    }

    Socket socket() throws IOException {
        ensureOpen();
        return socket;
    }

    OutputStream output() throws IOException {
        ensureOpen();
        return out;
    }

    /** True when the server closed the connection (EOF within the socket timeout). */
    boolean closedByPeer() throws IOException {
        if (socket == null) {
            return true;
        }
        return in.read() == -1;
    }

    Response read() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.merge(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim(),
                    (a, b) -> a + "|" + b);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String cl = headers.get("content-length");
        if (status / 100 == 1 || status == 204 || status == 304) {
            // no body
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
        } else if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl)));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    /**
     * A socket to {@code proxy} that has sent {@code GET path} and nothing more: for tests
     * that then half-close it, close it or read it their own way.
     */
    static Socket sendGet(InetSocketAddress proxy, String path) throws IOException {
        Socket s = new Socket();
        s.connect(proxy, 5000);
        s.setSoTimeout(15_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** Reads one response head byte by byte, up to and including its blank line (or EOF). */
    static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }
}
