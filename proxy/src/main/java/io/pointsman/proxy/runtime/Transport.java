package io.pointsman.proxy.runtime;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadFactory;

/**
 * The socket implementation: native epoll on Linux when it loads, else Java NIO.
 * Chosen once at start.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannelClass,
                        Class<? extends Channel> socketChannelClass,
                        boolean ipv6) {

    public static Transport choose() {
        boolean ipv6 = ipv6Available();
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, ipv6);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, ipv6);
    }

    /** NIO even where epoll exists (tests of the fallback). */
    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, ipv6Available());
    }

    public MultiThreadIoEventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandlerFactory);
    }

    /** The address a {@code *:port} bind listens on: {@code [::]} (dual stack) when the host has IPv6, else 0.0.0.0. */
    public InetSocketAddress wildcard(int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ipv6 ? "::" : "0.0.0.0"), port);
        } catch (IOException e) {
            throw new IllegalStateException(e); // literals never fail
        }
    }

    private static boolean ipv6Available() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
