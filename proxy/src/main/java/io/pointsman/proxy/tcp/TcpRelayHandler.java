package io.pointsman.proxy.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.pointsman.proxy.config.SendProxy;
import io.pointsman.proxy.routing.RequestFacts;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveServer;
import io.pointsman.proxy.runtime.ServerQueue;
import io.pointsman.proxy.stats.Counters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP tunnel, client side: routes the connection once its facts are known, opens
 * the server connection on the client's event loop (retries, redispatch, waiting in the
 * backend queue when every server is at its maxconn), then relays bytes both ways with
 * backpressure and half-close. All state is touched on that one event loop.
 *
 * <p>Half-close: when one side sends FIN, the FIN is forwarded (shutdownOutput) once
 * every byte before it was written; when both directions are finished, both sockets are
 * closed. A reset or close of one side closes the other after its pending writes.
 */
final class TcpRelayHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcpRelayHandler.class);

    private final ConnectionContext cx;
    private final boolean waitForFacts;
    private final Counters frontendCounters;

    private Channel client;
    private InetSocketAddress source;
    private InetSocketAddress destination;
    private String sni;
    private boolean routed;

    private LiveBackend backend;
    private int attemptsLeft;
    private final Set<LiveServer> tried = new HashSet<>();
    private LiveServer lastServer;
    private ServerQueue.Waiter waiter;

    private Channel server;
    private LiveServer serverInUse;
    private boolean connected;
    /** Client bytes read before the server connection was ready; sent first, in order. */
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private ChannelFuture lastWriteToServer;
    private ChannelFuture lastWriteToClient;
    private boolean clientInputDone;
    private boolean serverInputDone;
    private boolean clientOutputDone;
    private boolean serverOutputDone;

    TcpRelayHandler(ConnectionContext cx, boolean waitForFacts) {
        this.cx = cx;
        this.waitForFacts = waitForFacts;
        this.frontendCounters = cx.frontend().counters();
    }

    // ---- client events -------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        source = (InetSocketAddress) client.remoteAddress();
        destination = (InetSocketAddress) client.localAddress();
        if (waitForFacts) {
            client.read(); // feed the PROXY header decoder / SNI peek in front of us
        } else {
            route();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        frontendCounters.addBytesIn(buf.readableBytes());
        if (!connected) {
            pending.add(buf);
            return;
        }
        writeToServer(buf);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof RoutingFactsEvent.ProxiedAddresses p) {
            source = p.source();
            destination = p.destination();
        } else if (evt == RoutingFactsEvent.Ready.INSTANCE) {
            route();
        } else if (evt instanceof SniCompletionEvent e) {
            if (e.isSuccess()) {
                sni = e.hostname();
                route();
            } else {
                log.debug("{}: no usable ClientHello from {}: {}", cx.describe(), source, e.cause().toString());
                client.close();
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            clientInputDone = true;
            if (connected) {
                forwardClientFin();
            }
            closeIfFinished();
        } else if (evt instanceof IdleStateEvent) {
            closeBoth("client timeout");
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        if (waiter != null) {
            waiter.cancel();
            waiter = null;
        }
        if (server != null) {
            closeAfter(lastWriteToServer, server);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: client {} error: {}", cx.describe(), source, cause.toString());
        ctx.close();
    }

    // ---- routing and connecting ----------------------------------------------------

    private void route() {
        if (routed || !client.isActive()) {
            return;
        }
        routed = true;
        String name = cx.frontend().router().route(new Facts());
        backend = name == null ? null : cx.generation().backend(name);
        if (backend == null) {
            log.debug("{}: no route for {} (sni {}): closing", cx.describe(), source, sni);
            frontendCounters.deny();
            client.close();
            return;
        }
        attemptsLeft = 1 + backend.retries();
        connectOrWait();
    }

    private void connectOrWait() {
        // Connections already waiting go first (as HAProxy's pending queue): no jumping it.
        if (backend.queue().size() == 0 && tryConnect()) {
            return;
        }
        if (!backend.hasUsableServer()) {
            refuse("no server of backend '" + backend.name() + "' is up");
            return;
        }
        long queueTimeout = backend.timeout().queue().toMillis();
        waiter = backend.queue().enqueue(client.eventLoop(), new ServerQueue.Attempt() {
            @Override
            public boolean retry() {
                if (!client.isActive()) {
                    return true;
                }
                if (tryConnect()) {
                    waiter = null;
                    return true;
                }
                if (!backend.hasUsableServer()) {
                    waiter = null;
                    refuse("no server of backend '" + backend.name() + "' is up");
                    return true;
                }
                return false;
            }

            @Override
            public boolean slotFree() {
                for (LiveServer s : backend.servers()) {
                    if (s.isUp() && s.weight() > 0 && s.hasFreeSlot()) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public void timedOut() {
                waiter = null;
                refuse("queue timeout: every server of backend '" + backend.name() + "' stayed at maxconn");
            }
        }, queueTimeout, backend.counters());
    }

    private void refuse(String why) {
        log.debug("{}: {}; closing {}", cx.describe(), why, source);
        frontendCounters.deny();
        backend.counters().deny();
        client.close();
    }

    /** Takes a server slot and starts connecting; false when no usable server has a free slot. */
    private boolean tryConnect() {
        LiveServer s = pick();
        if (s == null) {
            return false;
        }
        if (lastServer != null && s != lastServer) {
            backend.counters().redispatch();
            s.counters().redispatch();
        }
        lastServer = s;
        tried.add(s);
        serverInUse = s;
        backend.counters().open();
        SendProxy sendProxy = backend.sendProxy();
        long serverTimeout = backend.timeout().server().toMillis();
        Bootstrap b = new Bootstrap()
                .group(client.eventLoop())
                .channel(cx.transport().socketChannelClass())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        backend.timeout().connect().toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("server-timeout", new IdleStateHandler(0, 0, serverTimeout, TimeUnit.MILLISECONDS));
                        if (sendProxy != SendProxy.NONE) {
                            p.addLast("proxy-protocol-encoder", HAProxyMessageEncoder.INSTANCE);
                        }
                        p.addLast("relay", new ServerSideHandler(TcpRelayHandler.this));
                    }
                });
        ChannelFuture f = b.connect(s.address());
        Channel ch = f.channel();
        server = ch;
        // The slot is held for exactly the life of this server channel.
        ch.closeFuture().addListener(x -> {
            s.release();
            backend.counters().close();
        });
        f.addListener(x -> onConnect(f, s));
        return true;
    }

    private LiveServer pick() {
        byte[] address = source.getAddress().getAddress();
        if (lastServer == null) {
            return backend.acquire(address, x -> false);
        }
        if (backend.redispatch()) {
            LiveServer s = backend.acquire(address, tried::contains);
            return s != null ? s : backend.acquire(address, x -> false);
        }
        return lastServer.isUp() && lastServer.tryAcquire() ? lastServer : null;
    }

    private void onConnect(ChannelFuture f, LiveServer s) {
        if (f.channel() != server) {
            return;
        }
        if (f.isSuccess()) {
            if (!client.isActive()) {
                server.close();
                return;
            }
            connected = true;
            if (backend.sendProxy() != SendProxy.NONE) {
                server.write(ProxyHeaders.toServer(backend.sendProxy(), source, destination));
            }
            boolean hadPending = !pending.isEmpty();
            while (!pending.isEmpty()) {
                writeToServer(pending.poll());
            }
            if (!hadPending) {
                server.flush();
                if (!clientInputDone) {
                    client.read();
                }
            }
            if (clientInputDone) {
                forwardClientFin();
            }
            server.read();
            return;
        }
        f.channel().close();
        server = null;
        if (!client.isActive()) {
            return; // the client left while we were connecting; not the server's fault
        }
        s.counters().connectError();
        backend.counters().connectError();
        attemptsLeft--;
        if (attemptsLeft > 0) {
            log.debug("{}: connect to {} failed ({}); retrying", cx.describe(), s, f.cause().toString());
            backend.counters().retry();
            s.counters().retry();
            connectOrWait();
        } else {
            log.info("{}: connect to {} failed ({}); no attempts left, closing client {}", cx.describe(), s,
                    f.cause().toString(), source);
            frontendCounters.deny();
            client.close();
        }
    }

    // ---- relaying ------------------------------------------------------------------

    private void writeToServer(ByteBuf buf) {
        int n = buf.readableBytes();
        backend.counters().addBytesIn(n);
        serverInUse.counters().addBytesIn(n);
        ChannelFuture w = server.writeAndFlush(buf);
        lastWriteToServer = w;
        w.addListener(x -> {
            if (x.isSuccess()) {
                if (!clientInputDone) {
                    client.read();
                }
            } else {
                closeBoth("write to server failed: " + x.cause());
            }
        });
    }

    /** A chunk from the server. */
    void serverRead(ByteBuf buf) {
        int n = buf.readableBytes();
        frontendCounters.addBytesOut(n);
        backend.counters().addBytesOut(n);
        serverInUse.counters().addBytesOut(n);
        ChannelFuture w = client.writeAndFlush(buf);
        lastWriteToClient = w;
        Channel s = server;
        w.addListener(x -> {
            if (x.isSuccess()) {
                if (!serverInputDone && s != null) {
                    s.read();
                }
            } else {
                closeBoth("write to client failed: " + x.cause());
            }
        });
    }

    /** The server sent FIN. */
    void serverInputShutdown() {
        serverInputDone = true;
        after(lastWriteToClient, () -> {
            if (client.isActive()) {
                ((DuplexChannel) client).shutdownOutput().addListener(x -> {
                    clientOutputDone = true;
                    closeIfFinished();
                });
            }
        });
    }

    /** The server connection closed (after connecting). */
    void serverClosed() {
        log.debug("{}: server {} closed", cx.describe(), serverInUse);
        closeAfter(lastWriteToClient, client);
    }

    void serverTimeout() {
        closeBoth("server timeout");
    }

    private void forwardClientFin() {
        Channel s = server;
        after(lastWriteToServer, () -> {
            if (s.isActive()) {
                ((DuplexChannel) s).shutdownOutput().addListener(x -> {
                    serverOutputDone = true;
                    closeIfFinished();
                });
            }
        });
    }

    private void closeIfFinished() {
        if (clientInputDone && serverInputDone && clientOutputDone && serverOutputDone) {
            closeBoth("both sides finished");
        }
    }

    private void closeBoth(String reason) {
        log.debug("{}: closing tunnel {} <-> {}: {}", cx.describe(), source, serverInUse, reason);
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private static void after(ChannelFuture write, Runnable task) {
        if (write == null || write.isDone()) {
            task.run();
        } else {
            write.addListener(x -> task.run());
        }
    }

    /** Closes {@code ch} once {@code lastWrite} (if any) is done, so bytes in flight still arrive. */
    private static void closeAfter(ChannelFuture lastWrite, Channel ch) {
        after(lastWrite, ch::close);
    }

    private void releasePending() {
        ByteBuf b;
        while ((b = pending.poll()) != null) {
            b.release();
        }
    }

    /** What this connection's routing may look at. */
    private final class Facts implements RequestFacts {
        @Override
        public InetAddress source() {
            return source.getAddress();
        }

        @Override
        public int destinationPort() {
            return destination.getPort();
        }

        @Override
        public String sni() {
            return sni;
        }
    }
}
