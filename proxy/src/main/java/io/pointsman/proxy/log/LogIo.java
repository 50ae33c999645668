package io.pointsman.proxy.log;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The one event loop that log targets' sockets live on (UDP, TCP, the local datagram
 * socket): native epoll where available (a batch of UDP messages leaves in one
 * {@code sendmmsg(2)}), else NIO. Separate from the proxy's loops, so logging never
 * competes with traffic for a loop turn. Made on first use, daemon threads.
 */
final class LogIo {
    private static volatile EventLoopGroup group;

    private LogIo() {
    }

    static boolean epoll() {
        return Epoll.isAvailable();
    }

    static EventLoopGroup group() {
        EventLoopGroup g = group;
        if (g == null) {
            synchronized (LogIo.class) {
                g = group;
                if (g == null) {
                    g = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pointsman-log-io", true),
                            epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
                    group = g;
                }
            }
        }
        return g;
    }
}
