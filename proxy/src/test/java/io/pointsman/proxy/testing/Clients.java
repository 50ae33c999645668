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

    /** A free loopback port (bound and released; fine for tests that bind it right away). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
