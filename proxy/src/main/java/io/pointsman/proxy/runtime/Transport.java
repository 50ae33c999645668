package io.pointsman.proxy.runtime;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import org.slf4j.LoggerFactory;

/**
 * The socket implementation, chosen once at start.
 *
 * <p>Default: io_uring when the kernel offers it (Linux x86_64), else native epoll when
 * it loads (Linux x86_64/aarch64/riscv64), else Java NIO; {@code -Dpointsman.transport=}
 * {@code io_uring|epoll|nio} forces one. Epoll runs through
 * {@link EpollInterestKeeper}, which repairs a Netty 4.2.18 bug (still in 4.2.20): after
 * the peer's FIN, with no read pending and nothing to write, Netty removes the socket from
 * the epoll set (EPOLL_CTL_DEL) but keeps it marked as added, so the next write that has
 * to wait (EPOLL_CTL_MOD) fails with ENOENT and the output is shut: a half-closed TCP
 * tunnel lost its last bytes. The repair keeps such sockets in the set with no events
 * (edge-triggered, so no busy wake-ups); {@code EpollInterestKeeperTest} replays the exact
 * sequence against the repaired and the plain handler. The tests that take {@code
 * Transports.ALL} run under all three transports, the others under the default.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannelClass,
                        Class<? extends Channel> socketChannelClass,
                        boolean ipv6,
                        ChannelFactory<Channel> connections,
                        ChannelFactory<ServerChannel> listeners) {
    /** System property: {@code io_uring}, {@code epoll} or {@code nio}; unset: the first of them that loads. */
    public static final String PROPERTY = "pointsman.transport";

    public static Transport choose() {
        String wanted = System.getProperty(PROPERTY, "");
        switch (wanted.toLowerCase(Locale.ROOT)) {
            case "io_uring":
                return ioUring();
            case "epoll":
                return epoll();
            case "nio":
                return nio();
            case "":
                break;
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + wanted + ": expected io_uring, epoll or nio");
        }
        if (IoUring.isAvailable()) {
            return ioUring();
        }
        var log = LoggerFactory.getLogger(Transport.class);
        if (Epoll.isAvailable()) {
            log.info("io_uring is not available ({}); using epoll", IoUring.unavailabilityCause().toString());
            return epoll();
        }
        log.warn("neither io_uring nor epoll is available ({}); using nio", Epoll.unavailabilityCause().toString());
        return nio();
    }

    /**
     * Linux io_uring, the default where the kernel offers it (5.14 or later, and not
     * turned off by {@code kernel.io_uring_disabled} or a seccomp profile). Sends and
     * receives are submitted in batches, one {@code io_uring_enter} per event-loop turn
     * instead of a system call each: in the benchmark ~20% less CPU per http request and
     * ~30% per tcp request than epoll, and the proxy's thread is no longer preempted by
     * the backend it wakes (bench/README, "io_uring").
     */
    public static Transport ioUring() {
        IoUring.ensureAvailability();
        return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class, ipv6Available(), IoUringSocketChannel::new, IoUringServerSocketChannel::new);
    }

    /** Native epoll, with the half-close repair of {@link EpollInterestKeeper}. */
    public static Transport epoll() {
        Epoll.ensureAvailability();
        return new Transport("epoll", EpollInterestKeeper.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, ipv6Available(), EpollSocketChannel::new, EpollServerSocketChannel::new);
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, ipv6Available(), NioSocketChannel::new, NioServerSocketChannel::new);
    }

    /**
     * Netty's buffer leak detector off, unless {@code -Dio.netty.leakDetection.level} asks
     * for a level. Its default (simple) tracks one buffer in 128 with a stack trace: about
     * 3% of the event loop's CPU in the tcp benchmark, for a debugging aid. Tests and
     * debugging sessions can turn it on with that property (surefire passes it through).
     */
    public static void leakDetectionOffUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /**
     * Every channel's receive-buffer sizing policy: one shared instance (it only holds the
     * sizes; each channel makes its own handle) instead of one per channel, 32 bytes less
     * per socket. The sizes are Netty's defaults.
     */
    public static final RecvByteBufAllocator RECV_ALLOCATOR = new AdaptiveRecvByteBufAllocator();

    private static final ChannelFactory<Channel> EPOLL_INET = () -> new EpollSocketChannel(SocketProtocolFamily.INET);
    private static final ChannelFactory<ServerChannel> EPOLL_INET_LISTENER =
            () -> new EpollServerSocketChannel(SocketProtocolFamily.INET);

    /**
     * Channels for a connection to {@code remote}. Under epoll an IPv4 address gets an
     * AF_INET socket: Netty's default is AF_INET6 (IPv4-mapped) whenever the host has IPv6,
     * and every send and receive on such a socket goes through the IPv6 socket layer first
     * (~0.1 µs per request in the http benchmark, bench/README "Where the rest goes").
     */
    public ChannelFactory<Channel> connectionsTo(InetSocketAddress remote) {
        // connections/listeners are made once per transport: a ReflectiveChannelFactory
        // per call looked the constructor up again for every backend connection.
        if (epollFor(remote)) {
            return EPOLL_INET;
        }
        return connections;
    }

    /** Listening channels for {@code local}: AF_INET under epoll for an IPv4 address, as {@link #connectionsTo}. */
    public ChannelFactory<ServerChannel> listenersOn(InetSocketAddress local) {
        if (epollFor(local)) {
            return EPOLL_INET_LISTENER;
        }
        return listeners;
    }

    private boolean epollFor(InetSocketAddress address) {
        return socketChannelClass == EpollSocketChannel.class && address.getAddress() instanceof Inet4Address;
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
