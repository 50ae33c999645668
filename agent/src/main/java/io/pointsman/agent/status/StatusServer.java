package io.pointsman.agent.status;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.pointsman.agent.servers.ServerStateService;
import io.pointsman.agent.sync.SyncControl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status listener (SPEC §6): Netty HTTP/1.1 on its own one-thread event loop, separate from
 * the proxy's, with a small worker pool for anything that blocks.
 */
public final class StatusServer implements AutoCloseable {
    /** Requests are small (a webhook payload at most); bigger ones get 413. */
    static final int MAX_BODY = 1 << 20;
    static final String PIPELINE_CODEC = "http-codec";
    static final String PIPELINE_AGGREGATOR = "http-aggregator";
    static final String PIPELINE_HANDLER = "status";
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

    private final EventLoopGroup group;
    private final ExecutorService workers;
    private final Channel channel;

    private StatusServer(EventLoopGroup group, ExecutorService workers, Channel channel) {
        this.group = group;
        this.workers = workers;
        this.channel = channel;
    }

    /**
     * Binds and serves.
     *
     * @throws StatusServerException when the bind address is not loopback and no token file is
     *         given, when a token or secret file is unreadable or empty, or when the bind fails
     */
    public static StatusServer start(StatusServerOptions options, SyncControl sync) throws StatusServerException {
        return start(options, sync, null);
    }

    /**
     * @param servers runtime server state ({@code /servers}, {@code runtimeOverrides} in
     *                {@code /status}), or null: no {@code /servers}
     */
    public static StatusServer start(StatusServerOptions options, SyncControl sync, ServerStateService servers)
            throws StatusServerException {
        InetSocketAddress bind = options.bind();
        if (bind.isUnresolved()) {
            throw new StatusServerException("status bind address " + bind.getHostString() + " does not resolve");
        }
        if (!bind.getAddress().isLoopbackAddress() && options.tokenFile() == null) {
            throw new StatusServerException("refusing to serve the status API on non-loopback " + hostPort(bind)
                    + " without --status-token-file");
        }
        BearerToken token;
        WebhookVerifier webhook;
        try {
            token = options.tokenFile() == null ? null : BearerToken.fromFile(options.tokenFile());
            webhook = options.webhookSecretFile() == null ? null : WebhookVerifier.fromFile(options.webhookSecretFile());
        } catch (IOException e) {
            throw new StatusServerException("cannot read a status API secret: " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "pointsman-status-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        workers.allowCoreThreadTimeOut(true);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast("read-timeout", new ReadTimeoutHandler(60))
                                    .addLast(PIPELINE_CODEC, new HttpServerCodec())
                                    .addLast(PIPELINE_AGGREGATOR, new HttpObjectAggregator(MAX_BODY))
                                    .addLast(PIPELINE_HANDLER, new StatusHandler(sync, servers, token, webhook, workers));
                        }
                    });
            Channel ch = b.bind(bind).syncUninterruptibly().channel();
            log.info("status API on http://{}", hostPort((InetSocketAddress) ch.localAddress()));
            return new StatusServer(group, workers, ch);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownNow();
            throw new StatusServerException("cannot bind the status API on " + hostPort(bind) + ": " + e.getMessage(), e);
        }
    }

    /** The bound address (the real port when bound to port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public String baseUrl() {
        return "http://" + hostPort(address());
    }

    private static String hostPort(InetSocketAddress a) {
        String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
    }
}
