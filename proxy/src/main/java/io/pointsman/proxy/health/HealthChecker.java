package io.pointsman.proxy.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the active checks of one server on one event loop, one check at a time: each
 * check starts {@code interval} after the previous one ended (so a slow server never
 * has checks piling up), the first after a random part of an interval so that the
 * servers of a fresh config are not all checked in the same instant.
 *
 * <ul>
 *   <li>{@code tcp}: connect within {@code timeout.check} → {@code L4OK}; refused →
 *       {@code L4CON}; no answer in time → {@code L4TOUT}.</li>
 *   <li>{@code http}: connect, send {@code GET path HTTP/1.1} with {@code Host} and
 *       {@code Connection: close}, read the status line: in {@code expect_status} →
 *       {@code L7OK}, else {@code L7STS <code>}; no response in time → {@code L7TOUT};
 *       garbage or close before a response → {@code L7RSP}.</li>
 * </ul>
 * Check sockets close with SO_LINGER 0, as HAProxy's, so checks leave no TIME_WAIT behind.
 * A server given by name is resolved on the registry's resolver thread, never on the
 * event loop.
 */
final class HealthChecker {
    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final HealthState state;
    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final HealthListener listener;
    private final Executor resolver;
    private volatile ServerCheckSpec spec;
    private volatile boolean stopped;
    /** Event loop only. */
    private ScheduledFuture<?> next;
    private Attempt current;

    HealthChecker(ServerCheckSpec spec, HealthState state, EventLoop loop, Class<? extends Channel> channelClass,
                  HealthListener listener, Executor resolver) {
        this.spec = spec;
        this.state = state;
        this.loop = loop;
        this.channelClass = channelClass;
        this.listener = listener;
        this.resolver = resolver;
    }

    void start() {
        long interval = spec.check().interval().toNanos();
        long offset = ThreadLocalRandom.current().nextLong(Math.max(1, interval));
        loop.execute(() -> schedule(offset));
    }

    /** New settings (path, interval, timeout…) take effect from the next check. */
    void update(ServerCheckSpec newSpec) {
        this.spec = newSpec;
    }

    ServerCheckSpec spec() {
        return spec;
    }

    /** Stops checking: the scheduled check is cancelled, one in flight is abandoned. */
    void stop() {
        stopped = true;
        try {
            loop.execute(() -> {
                if (next != null) {
                    next.cancel(false);
                }
                if (current != null) {
                    current.abandon();
                }
            });
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down: nothing more will run anyway.
        }
    }

    boolean isStopped() {
        return stopped;
    }

    private void schedule(long delayNanos) {
        if (!stopped) {
            next = loop.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        if (stopped) {
            return;
        }
        Attempt a = new Attempt(spec);
        current = a;
        a.begin();
    }

    private void finished(Attempt a, CheckResult result) {
        if (current == a) {
            current = null;
        }
        if (stopped) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - a.startNanos);
        HealthSnapshot before = state.record(result, millis);
        if (before != null) {
            try {
                listener.onTransition(state, before, state.snapshot());
            } catch (RuntimeException e) {
                log.warn("health listener failed for {}", state.key(), e);
            }
        }
        schedule(spec.check().interval().toNanos());
    }

    /** One check: connect, maybe ask, conclude exactly once. Event loop only. */
    private final class Attempt {
        final ServerCheckSpec spec;
        final long startNanos = System.nanoTime();
        ScheduledFuture<?> timer;
        Channel channel;
        boolean connected;
        /** TCP is up, the TLS handshake not done yet. */
        boolean handshaking;
        boolean done;

        Attempt(ServerCheckSpec spec) {
            this.spec = spec;
        }

        void begin() {
            timer = loop.schedule(this::timedOut, spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
            HostPort address = spec.address();
            byte[] literal = Cidr.literal(address.host());
            if (literal != null) {
                try {
                    connect(InetAddress.getByAddress(literal));
                } catch (UnknownHostException e) {
                    conclude(CheckResult.of(CheckCode.SOCKERR, e.getMessage()));
                }
                return;
            }
            try {
                resolver.execute(() -> {
                    try {
                        InetAddress resolved = InetAddress.getByName(address.host());
                        loop.execute(() -> connect(resolved));
                    } catch (UnknownHostException e) {
                        loop.execute(() -> conclude(CheckResult.of(CheckCode.L4CON, "cannot resolve " + address.host())));
                    }
                });
            } catch (RejectedExecutionException e) {
                conclude(CheckResult.of(CheckCode.SOCKERR, "resolver stopped"));
            }
        }

        void connect(InetAddress ip) {
            if (done) {
                return;
            }
            boolean http = spec.check().type() == CheckType.HTTP;
            Bootstrap b = new Bootstrap()
                    .group(loop)
                    .channel(channelClass)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, spec.timeout().toMillis()))
                    .option(ChannelOption.SO_LINGER, 0)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (spec.tls() != null) {
                                // The same TLS as the server's traffic (HAProxy: checks over SSL
                                // where the server has ssl), unless check: {tls: false}.
                                ch.pipeline().addLast(spec.tls().newHandler(ch.alloc(), spec.address(),
                                        spec.timeout().toMillis()));
                            }
                            if (http) {
                                ch.pipeline().addLast(new HttpClientCodec(), new HttpCheckHandler());
                            } else {
                                ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
                            }
                        }
                    });
            ChannelFuture f = b.connect(new InetSocketAddress(ip, spec.address().port()));
            channel = f.channel();
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    Throwable cause = done.cause();
                    conclude(cause instanceof ConnectTimeoutException
                            ? CheckResult.of(CheckCode.L4TOUT, cause.getMessage())
                            : CheckResult.of(CheckCode.L4CON, cause == null ? null : cause.getMessage()));
                    return;
                }
                connected = true;
                SslHandler tls = f.channel().pipeline().get(SslHandler.class);
                if (tls == null) {
                    layer7(f.channel(), http, CheckCode.L4OK);
                    return;
                }
                handshaking = true;
                tls.handshakeFuture().addListener(h -> {
                    handshaking = false;
                    if (h.isSuccess()) {
                        layer7(f.channel(), http, CheckCode.L6OK);
                    } else {
                        conclude(CheckResult.of(CheckCode.L6RSP, String.valueOf(h.cause())));
                    }
                });
            });
        }

        /** The connection (and its TLS) is up: an http check asks its question, else {@code up} is the answer. */
        private void layer7(Channel ch, boolean http, CheckCode up) {
            if (http) {
                ch.writeAndFlush(request()).addListener(w -> {
                    if (!w.isSuccess()) {
                        conclude(CheckResult.of(CheckCode.L7RSP, "request not sent: " + w.cause()));
                    }
                });
            } else {
                conclude(CheckResult.of(up));
            }
        }

        private FullHttpRequest request() {
            HostPort a = spec.address();
            String host = a.port() == 80 ? (a.isIpv6() ? "[" + a.host() + "]" : a.host()) : a.toString();
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, spec.check().path());
            r.headers().set(HttpHeaderNames.HOST, host);
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            r.headers().set(HttpHeaderNames.USER_AGENT, "pointsman-check");
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            return r;
        }

        void timedOut() {
            conclude(CheckResult.of(handshaking ? CheckCode.L6TOUT : connected ? CheckCode.L7TOUT : CheckCode.L4TOUT,
                    "no answer within " + spec.timeout().toMillis() + "ms"));
        }

        /** Stopped by reconcile: close without recording anything. */
        void abandon() {
            if (!done) {
                done = true;
                cleanUp();
            }
        }

        void conclude(CheckResult result) {
            if (done) {
                return;
            }
            done = true;
            cleanUp();
            finished(this, result);
        }

        private void cleanUp() {
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
        }

        private final class HttpCheckHandler extends SimpleChannelInboundHandler<HttpObject> {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (!(msg instanceof HttpResponse response)) {
                    return; // body chunks: the status line decided already
                }
                if (msg.decoderResult().isFailure()) {
                    conclude(CheckResult.of(CheckCode.L7RSP, String.valueOf(msg.decoderResult().cause())));
                    return;
                }
                int status = response.status().code();
                conclude(CheckResult.http(spec.check().expectStatus().contains(status) ? CheckCode.L7OK : CheckCode.L7STS,
                        status));
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                conclude(CheckResult.of(CheckCode.L7RSP, "connection closed before a response"));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                conclude(CheckResult.of(handshaking ? CheckCode.L6RSP : CheckCode.L7RSP, String.valueOf(cause)));
            }
        }
    }
}
