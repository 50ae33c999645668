package io.pointsman.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive server connections, per event loop and per server (backend + address).
 * A client connection takes server connections only from its own loop's pool, so a
 * request and its server connection always share one thread and no lock is needed.
 * Most recently used first: the warmest connection is the least likely to have been
 * closed by the server.
 */
final class ServerConnectionPool {
    private static final int MAX_IDLE_PER_SERVER = 64;
    private static final FastThreadLocal<Map<String, ArrayDeque<Channel>>> IDLE = new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    private ServerConnectionPool() {
    }

    /** An open idle connection to {@code serverKey}, or null. Call on {@code loop}. */
    static Channel take(EventLoop loop, String serverKey) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> idle = IDLE.get().get(serverKey);
        while (idle != null && !idle.isEmpty()) {
            Channel ch = idle.pollFirst();
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** Parks an idle connection; closes it when the pool for that server is full. Call on its loop. */
    static void offer(String serverKey, Channel ch) {
        assert ch.eventLoop().inEventLoop();
        ArrayDeque<Channel> idle = IDLE.get().computeIfAbsent(serverKey, k -> new ArrayDeque<>());
        if (idle.size() >= MAX_IDLE_PER_SERVER || !ch.isActive()) {
            ch.close();
            return;
        }
        idle.addFirst(ch);
        // Keep a read pending while idle: reads are not automatic, and without one a close
        // by the server would go unnoticed until the connection is reused.
        ch.read();
    }

    /** Forgets a connection that closed or is in use elsewhere. Call on its loop. */
    static void remove(String serverKey, Channel ch) {
        ArrayDeque<Channel> idle = IDLE.get().get(serverKey);
        if (idle != null) {
            idle.remove(ch);
        }
    }

    /** Idle connections to a server on the calling loop (tests). */
    static int idleCount(String serverKey) {
        ArrayDeque<Channel> idle = IDLE.get().get(serverKey);
        return idle == null ? 0 : idle.size();
    }
}
