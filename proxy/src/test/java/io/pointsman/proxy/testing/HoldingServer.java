package io.pointsman.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain-socket server on one loopback address: greets each connection with its name and
 * echoes every byte back; {@link #stopListening()} closes the listening socket but keeps the
 * connections it accepted (a server whose checks fail while sessions go on).
 */
public final class HoldingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    public HoldingServer(String ip, int port, String name) throws IOException {
        socket = new ServerSocket(port, 50, InetAddress.getByName(ip));
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    Thread echo = new Thread(() -> {
                        try (s) {
                            OutputStream out = s.getOutputStream();
                            out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            InputStream in = s.getInputStream();
                            byte[] buf = new byte[4096];
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                out.write(buf, 0, n);
                                out.flush();
                            }
                        } catch (IOException e) {
                            // the peer went away
                        }
                    }, "pmlog-holding-echo");
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "pmlog-holding-server");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public int acceptedCount() {
        return accepted.size();
    }

    /** New connections are refused; those accepted go on. */
    public void stopListening() throws IOException {
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
