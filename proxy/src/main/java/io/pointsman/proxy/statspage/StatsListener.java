package io.pointsman.proxy.statspage;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Stats;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The stats page's own small HTTP server on {@code stats.bind}: HTML at {@code stats.uri},
 * {@code ;csv}, {@code ;json} and Prometheus {@code /metrics}. It runs apart from the
 * proxy's frontends so a saturated frontend never hides the page that explains it.
 *
 * <p>{@link #reconfigure(Stats)} takes a new uri/refresh/auth without rebinding; a new
 * bind address needs {@link #close()} and a new listener.
 */
public final class StatsListener implements AutoCloseable {
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int IDLE_SECONDS = 30;

    private final Channel serverChannel;
    private final EventLoopGroup ownGroup;
    private final AtomicReference<StatsPageSettings> settings;

    private StatsListener(Channel serverChannel, EventLoopGroup ownGroup, AtomicReference<StatsPageSettings> settings) {
        this.serverChannel = serverChannel;
        this.ownGroup = ownGroup;
        this.settings = settings;
    }

    /** Binds on a one-thread NIO event loop of its own. Blocks until bound; throws when the bind fails. */
    public static StatsListener start(Stats stats, Supplier<StatsReport> reports) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            return start(stats, reports, group, NioServerSocketChannel.class, group);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Binds on the given event loops (e.g. the runtime's). Blocks until bound. */
    public static StatsListener start(Stats stats, Supplier<StatsReport> reports, EventLoopGroup group,
                                      Class<? extends ServerChannel> channelClass) throws InterruptedException {
        return start(stats, reports, group, channelClass, null);
    }

    private static StatsListener start(Stats stats, Supplier<StatsReport> reports, EventLoopGroup group,
                                       Class<? extends ServerChannel> channelClass, EventLoopGroup ownGroup)
            throws InterruptedException {
        Objects.requireNonNull(stats.bind(), "stats.bind");
        Objects.requireNonNull(reports, "reports");
        AtomicReference<StatsPageSettings> settings = new AtomicReference<>(StatsPageSettings.of(stats));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("idle", new ReadTimeoutHandler(IDLE_SECONDS));
                        ch.pipeline().addLast("http", new HttpServerCodec());
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES));
                        ch.pipeline().addLast("stats", new StatsRequestHandler(settings::get, reports));
                    }
                });
        InetSocketAddress address = address(stats.bind());
        Channel channel = bootstrap.bind(address).sync().channel();
        return new StatsListener(channel, ownGroup, settings);
    }

    private static InetSocketAddress address(HostPort bind) {
        if (bind.isWildcard()) {
            return new InetSocketAddress(bind.port());
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(bind.host()), bind.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve stats bind host '" + bind.host() + "'", e);
        }
    }

    /** New uri, refresh and credentials; the bind stays. */
    public void reconfigure(Stats stats) {
        settings.set(StatsPageSettings.of(stats));
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
