package io.pointsman.agent.importer.differential;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One request or connection the harness sends to both proxies, and what came back.
 *
 * @param source     the client address (a 127.x.y.z address, so {@code src} acls see it)
 * @param tls        wrap the connection in TLS
 * @param sni        the server name of the TLS ClientHello (null = none)
 * @param proxyV1    send a PROXY v1 header claiming this client first (for accept-proxy)
 * @param method     HTTP method
 * @param path       request target
 * @param host       Host header (null = none)
 * @param headers    more request headers
 */
record Probe(String frontend, int bindIndex, String source, boolean tls, String sni, String proxyV1, String method,
        String path, String host, Map<String, String> headers) {

    /** What one proxy did with a probe; {@code serverTls} whether the server was reached over TLS ("true"/"false"). */
    record Seen(String outcome, int status, String location, String server, String proxied, List<String> received,
            Map<String, String> responseHeaders, String serverTls) {
        static Seen failed(String outcome) {
            return new Seen(outcome, 0, null, null, null, List.of(), Map.of(), null);
        }

        /** The backend of {@code server} ("backend/server"), or null. */
        String backend() {
            return server == null ? null : server.substring(0, server.indexOf('/'));
        }
    }

    String describe() {
        StringBuilder sb = new StringBuilder(frontend).append('#').append(bindIndex).append(' ');
        sb.append(tls ? "tls" + (sni == null ? "" : "(sni " + sni + ")") + " " : "");
        sb.append(method).append(' ').append(path);
        if (host != null) {
            sb.append(" Host: ").append(host);
        }
        headers.forEach((k, v) -> sb.append(' ').append(k).append(": ").append(v));
        sb.append(" from ").append(source);
        if (proxyV1 != null) {
            sb.append(" (PROXY v1 ").append(proxyV1).append(')');
        }
        return sb.toString();
    }

    /** The request head this probe sends (without the PROXY header and TLS). */
    String head() {
        StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        if (host != null) {
            req.append("Host: ").append(host).append("\r\n");
        }
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("Connection: close\r\n");
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("DELETE")) {
            req.append("Content-Length: 0\r\n");
        }
        return req.append("\r\n").toString();
    }

    Seen send(InetSocketAddress to) {
        try (Socket raw = new Socket()) {
            raw.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            raw.setSoTimeout(4000);
            raw.connect(to, 2000);
            Socket s = raw;
            if (proxyV1 != null) {
                raw.getOutputStream().write(("PROXY TCP4 " + proxyV1 + " " + to.getAddress().getHostAddress() + " 40000 "
                        + to.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            if (tls) {
                SSLSocket ssl = (SSLSocket) TestTls.get().trustAll.getSocketFactory().createSocket(raw,
                        sni != null ? sni : to.getAddress().getHostAddress(), to.getPort(), true);
                SSLParameters p = ssl.getSSLParameters();
                p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
                ssl.setSSLParameters(p);
                try {
                    ssl.startHandshake();
                } catch (IOException e) {
                    return Seen.failed("closed");
                }
                s = ssl;
            }
            OutputStream out = s.getOutputStream();
            out.write(head().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] response = readAll(s.getInputStream());
            if (response.length == 0) {
                return Seen.failed("closed");
            }
            return parse(response);
        } catch (ConnectException e) {
            return Seen.failed("refused");
        } catch (SocketTimeoutException e) {
            return Seen.failed("timeout");
        } catch (IOException e) {
            // reset or closed mid-way: to the client, the proxy closed the connection
            return Seen.failed("closed");
        } catch (Exception e) {
            return Seen.failed("error " + e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                b.write(buf, 0, n);
            }
        } catch (IOException e) {
            if (b.size() == 0) {
                throw e;
            }
        }
        return b.toByteArray();
    }

    private static Seen parse(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0) {
            return Seen.failed("not http: " + text.substring(0, Math.min(40, text.length())).replace("\r\n", " "));
        }
        String[] head = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(head[0].substring(9, 12));
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            if (colon > 0) {
                h.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
        }
        String server = h.get("x-echo-server");
        String proxied = null;
        String serverTls = null;
        List<String> received = new ArrayList<>();
        for (String line : text.substring(end + 4).split("\n")) {
            if (line.startsWith("header=")) {
                received.add(line.substring(7));
            } else if (line.startsWith("proxy=")) {
                proxied = line.substring(6);
            } else if (line.startsWith("tls=")) {
                serverTls = line.substring(4).trim();
            }
        }
        return new Seen("response", status, h.get("location"), server, proxied, received, h, serverTls);
    }
}
