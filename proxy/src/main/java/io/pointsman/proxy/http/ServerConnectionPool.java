package io.pointsman.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayDeque;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Idle keep-alive server connections, per event loop and per server (backend + address),
 * each with the address it was connected to: a connection is reused only for a request
 * that would connect there too (a server without a port connects to the client's
 * destination port, a named server to its address as resolved now). A client connection takes server connections only from its own loop's pool, so a
 * request and its server connection always share one thread and no lock is needed.
 * Most recently used first: the warmest connection is the least likely to have been
 * closed by the server.
 */
final class ServerConnectionPool {
    private static final int MAX_IDLE_PER_SERVER = 64;
    private static final FastThreadLocal<Map<String, ArrayDeque<ServerResponseHandler>>> IDLE =
            new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<ServerResponseHandler>> initialValue() {
            return new HashMap<>();
        }
    };

    private ServerConnectionPool() {
    }

    /**
     * An open idle connection to {@code serverKey} connected to {@code target} (its last
     * handler), or null. Call on {@code loop}. The usual case costs one look-up and one
     * identity check: a server at one address hands the same address object to every dial.
     */
    static ServerResponseHandler take(EventLoop loop, String serverKey, InetSocketAddress target) {
        assert loop.inEventLoop();
        ArrayDeque<ServerResponseHandler> idle = IDLE.get().get(serverKey);
        if (idle == null) {
            return null;
        }
        for (Iterator<ServerResponseHandler> it = idle.iterator(); it.hasNext(); ) {
            ServerResponseHandler h = it.next();
            if (!h.channel().isActive()) {
                it.remove();
            } else if (h.target == target || h.target.equals(target)) {
                it.remove();
                return h;
            }
        }
        return null;
    }

    /** Parks an idle connection; closes it when the pool for that server is full. Call on its loop. */
    static void offer(ServerResponseHandler h) {
        Channel ch = h.channel();
        assert ch.eventLoop().inEventLoop();
        ArrayDeque<ServerResponseHandler> idle = IDLE.get().computeIfAbsent(h.serverKey, k -> new ArrayDeque<>());
        if (idle.size() >= MAX_IDLE_PER_SERVER || !ch.isActive()) {
            ch.close();
            return;
        }
        idle.addFirst(h);
        // Keep a read pending while idle: reads are not automatic, and without one a close
        // by the server would go unnoticed until the connection is reused.
        ch.read();
    }

    /** Forgets a connection that closed or is in use elsewhere. Call on its loop. */
    static void remove(ServerResponseHandler h) {
        ArrayDeque<ServerResponseHandler> idle = IDLE.get().get(h.serverKey);
        if (idle != null) {
            idle.remove(h);
        }
    }
}
