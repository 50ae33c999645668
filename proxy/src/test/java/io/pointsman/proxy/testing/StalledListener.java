package io.pointsman.proxy.testing;

import io.pointsman.proxy.config.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address where a connect neither succeeds nor fails: a listener that never
 * accepts, its accept queue filled by connections of its own. Linux drops further SYNs
 * while that queue is full, so a connect to it stays pending until its own timeout (the
 * "server that does not answer" of a connect-timeout test, without leaving loopback).
 */
public final class StalledListener implements AutoCloseable {
    private final ServerSocket listener;
    private final List<SocketChannel> fillers = new ArrayList<>();

    public StalledListener() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        InetSocketAddress at = (InetSocketAddress) listener.getLocalSocketAddress();
        // Backlog 1 holds two established connections; a few more to be sure the queue is full.
        for (int i = 0; i < 4; i++) {
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            c.connect(at);
            fillers.add(c);
        }
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", listener.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel c : fillers) {
            c.close();
        }
        listener.close();
    }
}
