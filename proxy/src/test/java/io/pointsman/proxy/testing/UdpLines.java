package io.pointsman.proxy.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A UDP socket on loopback that keeps every datagram it receives as text: a log target a test reads. */
public final class UdpLines implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    public UdpLines() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    lines.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    // keep receiving
                }
            }
        }, "pmlog-udp-lines");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until some line contains {@code text}; returns the first such. */
    public String await(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (String l : lines) {
                if (l.contains(text)) {
                    return l;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no line with '" + text + "' in " + lines);
    }

    @Override
    public void close() {
        socket.close();
    }
}
