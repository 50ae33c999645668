package io.pointsman.proxy.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointsman.proxy.config.LogAddress;
import io.pointsman.proxy.testing.Clients;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Syslog over UDP against datagram sockets the test binds on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramTransportTest {

    @Test
    void aBatchLongerThanOneSendTakesIsSentWhole() throws Exception {
        try (Receiver r = new Receiver(new InetSocketAddress("127.0.0.1", 0))) {
            LogSink.Counts counts = new LogSink.Counts("test");
            DatagramTransport t = new DatagramTransport(LogAddress.parse("udp://127.0.0.1:" + r.port()), counts);
            int lines = 5000; // more than one batch of the transport holds
            for (int i = 0; i < lines; i++) {
                byte[] m = ("line " + i).getBytes(StandardCharsets.US_ASCII);
                t.add(m, 0, m.length);
            }
            t.flush();
            Clients.await("all counted", 10_000, () -> counts.sent.sum() + counts.failed.sum() == lines);
            assertEquals(lines, counts.sent.sum());
            assertEquals(0, counts.failed.sum());
            // the kernel may drop what the reader does not take in time; the first ones arrive
            Clients.await("datagrams arrive", 10_000, () -> !r.received.isEmpty());
            assertEquals("line 0", r.received.get(0));
            t.close();
        }
    }

    @Test
    void aNameThatResolvesToAnotherAddressGetsANewSocket() throws Exception {
        try (Receiver first = new Receiver(new InetSocketAddress("127.0.0.1", 0));
             Receiver second = bindOrSkipPort("127.0.0.2", first.port())) {
            AtomicReference<InetAddress> answer = new AtomicReference<>(InetAddress.getByName("127.0.0.1"));
            AtomicLong now = new AtomicLong();
            LogSink.Counts counts = new LogSink.Counts("test");
            DatagramTransport t = new DatagramTransport(LogAddress.parse("udp://syslog.test:" + first.port()), counts,
                    host -> answer.get(), now::get);
            send(t, "before");
            Clients.await("the first address gets it", 10_000, () -> first.received.contains("before"));

            answer.set(InetAddress.getByName("127.0.0.2"));
            send(t, "same minute"); // not resolved again yet: the same socket
            Clients.await("still the first address", 10_000, () -> first.received.contains("same minute"));

            now.addAndGet(TimeUnit.SECONDS.toNanos(61)); // re-resolved: the name moved
            send(t, "after");
            Clients.await("the new address gets it", 10_000, () -> second.received.contains("after"));
            Clients.await("all counted", 10_000, () -> counts.sent.sum() == 3);
            assertEquals(List.of("before", "same minute"), first.received);
            assertEquals(0, counts.failed.sum());
            t.close();
        }
    }

    @Test
    void aRecipientThatStartsListeningLaterGetsTheLaterLines() throws Exception {
        int port = Clients.deadPort();
        LogSink.Counts counts = new LogSink.Counts("test");
        DatagramTransport t = new DatagramTransport(LogAddress.parse("udp://127.0.0.1:" + port), counts);
        for (int i = 0; i < 3; i++) {
            byte[] m = ("refused " + i).getBytes(StandardCharsets.US_ASCII);
            t.add(m, 0, m.length);
        }
        t.flush();
        // Given to the kernel (counted as sent, as for any UDP recipient); the connected socket
        // hears the ICMP "port unreachable" back, which must not break it for later lines.
        Clients.await("all counted", 10_000, () -> counts.sent.sum() + counts.failed.sum() == 3);
        try (Receiver r = new Receiver(new InetSocketAddress("127.0.0.1", port))) {
            Clients.await("a daemon that starts later gets the lines", 10_000, () -> {
                send(t, "listening now");
                return r.received.contains("listening now");
            });
        }
        t.close();
    }

    private static void send(DatagramTransport t, String line) {
        byte[] m = line.getBytes(StandardCharsets.US_ASCII);
        t.add(m, 0, m.length);
        t.flush();
    }

    private static Receiver bindOrSkipPort(String host, int port) throws SocketException {
        try {
            return new Receiver(new InetSocketAddress(host, port));
        } catch (BindException taken) {
            org.junit.jupiter.api.Assumptions.abort(host + ":" + port + " is taken by something else");
            throw taken;
        }
    }

    /** A UDP socket whose reader thread keeps each datagram's text. */
    private static final class Receiver implements AutoCloseable {
        final List<String> received = new CopyOnWriteArrayList<>();
        private final DatagramSocket socket;
        private final Thread reader;

        Receiver(InetSocketAddress at) throws SocketException {
            socket = new DatagramSocket(null);
            socket.setReceiveBufferSize(4 << 20);
            socket.bind(at);
            reader = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (java.io.IOException closed) {
                        return;
                    }
                    received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                }
            }, "udp-receiver");
            reader.setDaemon(true);
            reader.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            reader.join(5000);
        }
    }
}
