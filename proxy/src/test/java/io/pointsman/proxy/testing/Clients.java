package io.pointsman.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Blocking loopback clients for tests. */
public final class Clients {
    private Clients() {}

    /**
     * A free loopback port for a listener the test binds right away. Taken below the
     * ephemeral range, so no outgoing connection (ours or another process's) grabs it in
     * between.
     */
    public static int freePort() {
        return deadPort();
    }

    /**
     * A port with no listener, below the ephemeral range, for "dead server" tests: a
     * connect to it is refused and can never self-connect.
     */
    public static int deadPort() {
        int low = 32768;
        try {
            // Not Files.readString: /proc files report size 0 and come back truncated.
            String range = java.nio.file.Files.readAllLines(
                    java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
            low = Math.max(10_100, Integer.parseInt(range.trim().split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            // keep Linux's default
        }
        java.util.Random rnd = new java.util.Random();
        for (int i = 0; i < 100; i++) {
            int port = 10_000 + rnd.nextInt(Math.max(1, low - 10_000));
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port below " + low);
    }

    /**
     * Asserts that nothing listens on 127.0.0.1:port, by binding it (a connect probe can
     * self-connect on loopback when the port lies in the ephemeral range). Polls briefly:
     * Java NIO releases a closed listening socket at the selector's next wake-up.
     */
    public static void assertNotListening(int port) {
        IOException last = null;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("127.0.0.1", port), 1);
                return;
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("127.0.0.1:" + port + " is still in use: " + last);
    }

    public static Socket connect(InetSocketAddress to) throws IOException {
        return connect(null, to);
    }

    /** Connects from {@code fromHost} (e.g. 127.0.0.2) when given. 5 s read timeout so a test never hangs. */
    public static Socket connect(String fromHost, InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(5000);
        if (fromHost != null) {
            s.bind(new InetSocketAddress(fromHost, 0));
        }
        boolean wildcard = to.getAddress() == null || to.getAddress().isAnyLocalAddress();
        s.connect(wildcard ? new InetSocketAddress("127.0.0.1", to.getPort()) : to, 5000);
        return s;
    }

    /** Reads one line (without the newline), as ASCII. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("EOF after '" + b.toString(StandardCharsets.US_ASCII) + "'");
            }
            if (c == '\n') {
                return b.toString(StandardCharsets.US_ASCII);
            }
            b.write(c);
        }
    }

    /** Sends a line and reads the echo. */
    public static String roundTrip(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return readLine(s.getInputStream());
    }

    /** Waits (bounded) until the condition holds; fails the test otherwise. */
    public static void await(String what, long timeoutMillis, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
