package io.pointsman.proxy.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the active checks of one server on one event loop, one check at a time: each
 * check starts an interval after the previous one ended (so a slow server never has
 * checks piling up), the first after a random part of an interval so that the servers of
 * a fresh config are not all checked in the same instant. The interval is HAProxy's:
 * {@code interval} while UP, {@code fast_interval} while going up or down,
 * {@code down_interval} while DOWN.
 *
 * <p>A check connects (to the check {@code port} when one is set) within
 * {@code timeout.check}: refused → {@code L4CON}, no answer → {@code L4TOUT}; a {@code tcp}
 * check is then done ({@code L4OK}). Other types talk to the server as their
 * {@link CheckScripts} steps say, without blocking the loop: each read is looked at by the
 * step waiting for it, the first failing step ends the check, the last passing one
 * concludes it ({@code L7OK}, {@code L6OK}, {@code L7OKC} …); {@code timeout.check}
 * passing while a step waits gives that step's timeout code ({@code L7TOUT}, {@code L6TOUT}).
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
    private final HealthRegistry registry;
    private volatile ServerCheckSpec spec;
    private volatile boolean stopped;
    /** Event loop only. */
    private ScheduledFuture<?> next;
    private Attempt current;

    HealthChecker(ServerCheckSpec spec, HealthState state, EventLoop loop, Class<? extends Channel> channelClass,
                  HealthListener listener, Executor resolver, HealthRegistry registry) {
        this.registry = registry;
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
        java.net.InetSocketAddress known = registry.resolved(spec.backend(), spec.address());
        if (known != null && known.isUnresolved()) {
            // A server_template slot no answer fills: nothing to check until one does.
            schedule(spec.check().interval().toNanos());
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
        long nanos = System.nanoTime() - a.startNanos;
        state.checkLatency().observe(nanos);
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        CheckResult previous = state.snapshot().lastCheck();
        HealthSnapshot before = state.record(result, millis);
        if (before != null) {
            try {
                listener.onTransition(state, before, state.snapshot());
            } catch (RuntimeException e) {
                log.warn("health listener failed for {}", state.key(), e);
            }
        } else if (previous == null || previous.code() != result.code() || previous.httpStatus() != result.httpStatus()) {
            try {
                listener.onCheckResultChange(state, state.snapshot());
            } catch (RuntimeException e) {
                log.warn("health listener failed for {}", state.key(), e);
            }
        }
        HealthSnapshot now = state.snapshot();
        boolean changing = now.up() ? now.health() < now.rise() + now.fall() - 1 : now.health() > 0;
        schedule(spec.check().intervalFor(now.up(), changing).toNanos());
    }

    /** One check: connect, maybe converse, conclude exactly once. Event loop only. */
    private final class Attempt {
        final ServerCheckSpec spec;
        final long startNanos = System.nanoTime();
        final List<CheckStep> steps;
        ScheduledFuture<?> timer;
        Channel channel;
        boolean connected;
        /** TCP is up, the TLS handshake to the server not done yet. */
        boolean handshaking;
        boolean done;
        /** The step being run, and what was received since the last send. */
        int step;
        byte[] reply = new byte[512];
        int replyLength;
        CheckResult lastPass;

        Attempt(ServerCheckSpec spec) {
            this.spec = spec;
            this.steps = CheckScripts.of(spec);
        }

        /** Where DNS put the server (a named or template server), or null. */
        java.net.InetSocketAddress known;

        /** {@code check.port}, else the server's port as written, else as DNS gave it (an SRV record's). */
        int port() {
            Integer p = spec.check().port();
            if (p != null && p > 0) {
                return p;
            }
            int written = spec.address().port();
            return written > 0 || known == null || known.getPort() <= 0 ? written : known.getPort();
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
            known = registry.resolved(spec.backend(), address);
            if (known != null && known.getAddress() != null) {
                connect(known.getAddress());
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
            Bootstrap b = new Bootstrap()
                    .group(loop)
                    .channel(channelClass)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, spec.timeout().toMillis()))
                    .option(ChannelOption.SO_LINGER, 0)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (tls()) {
                                // The same TLS as the server's traffic (HAProxy: checks over SSL
                                // where the server has ssl), unless check: {tls: false}.
                                ch.pipeline().addLast(spec.tls().newHandler(ch.alloc(), spec.address(),
                                        spec.timeout().toMillis()));
                            }
                            ch.pipeline().addLast(new Conversation());
                        }
                    });
            ChannelFuture f = b.connect(new InetSocketAddress(ip, port()));
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
                    advance(false);
                    return;
                }
                handshaking = true;
                tls.handshakeFuture().addListener(h -> {
                    handshaking = false;
                    if (!h.isSuccess()) {
                        conclude(CheckResult.of(CheckCode.L6RSP, String.valueOf(h.cause())));
                        return;
                    }
                    if (steps.isEmpty()) {
                        lastPass = CheckResult.of(CheckCode.L6OK); // a tcp check over TLS passes at layer 6
                    }
                    advance(false);
                });
            });
        }

        /** TLS under the check: the server speaks it, and the check is not its own TLS probe (ssl_hello). */
        private boolean tls() {
            return spec.tls() != null && spec.check().type() != CheckType.SSL_HELLO;
        }

        /** Runs steps until one has to wait for the server, or the check is decided. */
        void advance(boolean closed) {
            while (!done) {
                if (step == steps.size()) {
                    conclude(lastPass != null ? lastPass : CheckResult.of(steps.isEmpty() ? CheckCode.L4OK : CheckCode.L7OK));
                    return;
                }
                CheckStep s = steps.get(step);
                if (s instanceof CheckStep.Send send) {
                    replyLength = 0;
                    channel.writeAndFlush(Unpooled.wrappedBuffer(send.bytes())).addListener(w -> {
                        if (!w.isSuccess()) {
                            conclude(CheckResult.of(CheckCode.SOCKERR, "cannot send: " + w.cause()));
                        }
                    });
                    step++;
                    continue;
                }
                CheckStep.Expect expect = (CheckStep.Expect) s;
                CheckStep.Verdict v = expect.matcher().test(reply, replyLength, closed);
                if (v instanceof CheckStep.Verdict.Pass pass) {
                    if (pass.result() != null) {
                        lastPass = pass.result();
                    }
                    step++;
                } else if (v instanceof CheckStep.Verdict.Fail fail) {
                    conclude(fail.result());
                    return;
                } else {
                    if (closed) {
                        conclude(CheckResult.of(CheckCode.L7RSP, "connection closed before the expected reply"));
                    }
                    return; // wait for more
                }
            }
        }

        void received(ByteBuf in) {
            int n = Math.min(in.readableBytes(), CheckScripts.MAX_REPLY - replyLength);
            if (replyLength + n > reply.length) {
                reply = java.util.Arrays.copyOf(reply, Math.min(CheckScripts.MAX_REPLY,
                        Math.max(reply.length * 2, replyLength + n)));
            }
            in.readBytes(reply, replyLength, n);
            replyLength += n;
            advance(false);
        }

        void timedOut() {
            if (handshaking) {
                conclude(CheckResult.of(CheckCode.L6TOUT, "no TLS handshake within " + spec.timeout().toMillis() + "ms"));
                return;
            }
            if (!connected) {
                conclude(CheckResult.of(CheckCode.L4TOUT, "no answer within " + spec.timeout().toMillis() + "ms"));
                return;
            }
            CheckCode code = step < steps.size() && steps.get(step) instanceof CheckStep.Expect e ? e.timeout()
                    : CheckCode.L7TOUT;
            conclude(CheckResult.of(code, "no answer within " + spec.timeout().toMillis() + "ms"));
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

        /** The check socket's handler: hands what comes to the step waiting for it. */
        private final class Conversation extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof ByteBuf buf && !done) {
                        received(buf);
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ChannelInputShutdownEvent && connected) {
                    advance(true);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (connected) {
                    advance(true);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (connected && !done) {
                    conclude(CheckResult.of(handshaking ? CheckCode.L6RSP : CheckCode.SOCKERR,
                            String.valueOf(cause.getMessage())));
                }
            }
        }
    }
}
