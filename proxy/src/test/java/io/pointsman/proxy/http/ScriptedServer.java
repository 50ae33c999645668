package io.pointsman.proxy.http;

import io.pointsman.proxy.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server that does the same to every request head it reads, with plain blocking sockets:
 * answers fixed bytes, closes, stays silent, or answers what is not HTTP. For the failures
 * a proxy retries on.
 */
final class ScriptedServer implements AutoCloseable {
    private final ServerSocket listening;
    private final byte[] answer;
    private final boolean close;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    /** Every request head read, in order. */
    final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private ScriptedServer(String answer, boolean close) throws IOException {
        this.answer = answer == null ? null : answer.getBytes(StandardCharsets.ISO_8859_1);
        this.close = close;
        listening = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(this::accept, "scripted-server");
        t.setDaemon(true);
        t.start();
    }

    /** Answers every request with these bytes (a whole response), keeping the connection. */
    static ScriptedServer answering(String response) throws IOException {
        return new ScriptedServer(response, false);
    }

    /** Answers {@code status} with a small body, keep-alive. */
    static ScriptedServer status(int status) throws IOException {
        return answering("HTTP/1.1 " + status + " Whatever\r\nContent-Length: 2\r\n\r\nno");
    }

    /** Closes the connection once it has read a request head, answering nothing. */
    static ScriptedServer closing() throws IOException {
        return new ScriptedServer(null, true);
    }

    /** Reads request heads and never answers. */
    static ScriptedServer silent() throws IOException {
        return new ScriptedServer(null, false);
    }

    /** Answers something that is not HTTP. */
    static ScriptedServer garbage() throws IOException {
        return answering("SSH-2.0-OpenSSH_9.6\r\n\r\n");
    }

    HostPort address() {
        return new HostPort("127.0.0.1", listening.getLocalPort());
    }

    private void accept() {
        while (true) {
            Socket s;
            try {
                s = listening.accept();
            } catch (IOException closed) {
                return;
            }
            connections.incrementAndGet();
            open.add(s);
            Thread t = new Thread(() -> serve(s), "scripted-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = RawHttpClient.readHead(in);
                if (!head.endsWith("\r\n\r\n")) {
                    return;
                }
                requests.incrementAndGet();
                heads.add(head);
                if (close) {
                    return;
                }
                if (answer != null) {
                    out.write(answer);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the proxy closed it
        }
    }

    @Override
    public void close() throws IOException {
        listening.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
