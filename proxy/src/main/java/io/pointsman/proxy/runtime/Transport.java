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
import org.slf4j.LoggerFactory;

/**
 * The socket implementation, chosen once at start.
 *
 * <p>Default: Java NIO. Native epoll is used only when asked for with
 * {@code -Dpointsman.transport=epoll} (and it loads). Why not epoll by default: Netty
 * 4.2.18's epoll loop removes a socket from the epoll set when its interest set becomes
 * empty (after the peer's FIN, with nothing to write) but keeps it marked as added, so
 * the next write that has to wait for the socket (EPOLL_CTL_MOD) fails with ENOENT and
 * the connection's output is shut: a half-closed TCP tunnel loses its last bytes. The
 * 64 MiB half-close test caught it. Newer Netty releases whose native jars we cannot get
 * here fix the registration state; switch the default back then.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannelClass,
                        Class<? extends Channel> socketChannelClass,
                        boolean ipv6) {
    /** System property: {@code nio} (default) or {@code epoll}. */
    public static final String PROPERTY = "pointsman.transport";

    public static Transport choose() {
        String wanted = System.getProperty(PROPERTY, "nio");
        if (wanted.equalsIgnoreCase("epoll")) {
            if (Epoll.isAvailable()) {
                return epoll();
            }
            LoggerFactory.getLogger(Transport.class).warn("{}=epoll but epoll is not available ({}); using nio",
                    PROPERTY, Epoll.unavailabilityCause().toString());
        }
        return nio();
    }

    /** Native epoll; see the class comment for its known half-close problem. */
    public static Transport epoll() {
        Epoll.ensureAvailability();
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, ipv6Available());
    }

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
