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
    private final java.util.concurrent.ExecutorService adminWorker;

    private StatsListener(Channel serverChannel, EventLoopGroup ownGroup, AtomicReference<StatsPageSettings> settings,
            java.util.concurrent.ExecutorService adminWorker) {
        this.serverChannel = serverChannel;
        this.ownGroup = ownGroup;
        this.settings = settings;
        this.adminWorker = adminWorker;
    }

    /** Binds on a one-thread NIO event loop of its own. Blocks until bound; throws when the bind fails. */
    public static StatsListener start(Stats stats, Supplier<StatsReport> reports) throws InterruptedException {
        return start(stats, reports, (StatsAdminActions) null);
    }

    /**
     * The same, with the admin actions {@code stats.admin} offers (null: none, whatever the
     * config says).
     */
    public static StatsListener start(Stats stats, Supplier<StatsReport> reports, StatsAdminActions actions)
            throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            return start(stats, reports, group, NioServerSocketChannel.class, group, actions);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Binds on the given event loops (e.g. the runtime's). Blocks until bound. */
    public static StatsListener start(Stats stats, Supplier<StatsReport> reports, EventLoopGroup group,
                                      Class<? extends ServerChannel> channelClass) throws InterruptedException {
        return start(stats, reports, group, channelClass, null, null);
    }

    private static StatsListener start(Stats stats, Supplier<StatsReport> reports, EventLoopGroup group,
                                       Class<? extends ServerChannel> channelClass, EventLoopGroup ownGroup,
                                       StatsAdminActions actions)
            throws InterruptedException {
        Objects.requireNonNull(stats.bind(), "stats.bind");
        Objects.requireNonNull(reports, "reports");
        AtomicReference<StatsPageSettings> settings = new AtomicReference<>(StatsPageSettings.of(stats));
        // Admin actions may block (the agent writes its state): one worker thread, never the event loop.
        java.util.concurrent.ExecutorService worker = actions == null ? null
                : java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "pointsman-stats-admin");
                    t.setDaemon(true);
                    return t;
                });
        StatsRequestHandler.AdminEndpoint admin = actions == null ? null
                : new StatsRequestHandler.AdminEndpoint(actions, newToken(), worker);
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
                        ch.pipeline().addLast("stats", new StatsRequestHandler(settings::get, reports, admin));
                    }
                });
        InetSocketAddress address = address(stats.bind());
        Channel channel;
        try {
            channel = bootstrap.bind(address).sync().channel();
        } catch (Exception e) { // Netty's sync() also throws a BindException it does not declare
            if (worker != null) {
                worker.shutdownNow();
            }
            throw e;
        }
        return new StatsListener(channel, ownGroup, settings, worker);
    }

    /** The admin form's anti-CSRF token: random per listener, only ever sent inside the page. */
    private static String newToken() {
        byte[] b = new byte[24];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
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
        if (adminWorker != null) {
            adminWorker.shutdown();
        }
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
