package io.pointsman.proxy.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.pointsman.proxy.config.SendProxy;
import io.pointsman.proxy.dial.DialFailure;
import io.pointsman.proxy.dial.DialListener;
import io.pointsman.proxy.dial.ServerDialer;
import io.pointsman.proxy.dial.ServerSide;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.routing.RequestFacts;
import io.pointsman.proxy.log.LogEntry;
import io.pointsman.proxy.runtime.AccessLogger;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.DirectSend;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveFrontend;
import io.pointsman.proxy.runtime.LiveServer;
import io.pointsman.proxy.stats.Counters;
import io.pointsman.proxy.tls.TlsFacts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP tunnel, client side: routes the connection once its facts are known, gets its
 * server connection from a {@link ServerDialer} (retries, redispatch, waiting in the
 * backend queue when every server is at its maxconn), then relays bytes both ways with
 * backpressure and half-close. All state is touched on that one event loop.
 *
 * <p>Relaying: both sockets have autoRead off. Each chunk read is sent to the other side
 * at once with one system call when nothing waits ahead of it ({@link DirectSend});
 * otherwise, and for what the socket did not take, it is written without a promise and
 * flushed once at the read batch's end. The next read is asked for right away while the
 * other side stays writable (its outbound buffer under the high water mark), else when it
 * becomes writable again. No allocation per chunk beyond the buffers; byte counters are
 * added once per batch.
 *
 * <p>Half-close: when one side sends FIN, the FIN is forwarded (shutdownOutput) once
 * every byte before it was written (an empty write's promise completes after them); when
 * both directions are finished, both sockets are closed. A reset or close of one side
 * closes the other after its pending writes.
 *
 * <p>TLS: when the bind terminates TLS the client side of the pipeline decrypts in front
 * of this handler, routing waits for the handshake (so acls see its {@link TlsFacts}),
 * bytes to the client go through the pipeline's TLS handler (never {@link DirectSend}),
 * and a FIN from the server becomes a {@code close_notify} before the client's FIN.
 *
 * <p>Timeouts: {@code timeout client} / {@code timeout server} are inactivity timeouts of
 * each side (reads and writes), checked by one timer per tunnel rather than an
 * IdleStateHandler per socket (less memory per idle connection, no promise per write).
 */
final class TcpRelayHandler extends ChannelInboundHandlerAdapter implements Runnable, ServerSide, DialListener {
    private static final Logger log = LoggerFactory.getLogger(TcpRelayHandler.class);

    private final ConnectionContext cx;
    private final boolean waitForFacts;
    /** The client side speaks TLS: writes to it go through its pipeline. */
    private final boolean tlsClient;
    private final Counters frontendCounters;
    private final long clientTimeoutNanos;
    /** {@code timeout.client_fin}, {@code timeout.server_fin}; 0 = none (the inactivity timeouts go on). */
    private final long clientFinNanos;
    private long serverFinNanos;
    /** The session's tcplog facts, handed to the access logger once, when the client side closes. */
    private final LogEntry entry = new LogEntry();

    private Channel client;
    private InetSocketAddress source;
    private InetSocketAddress destination;
    private String sni;
    private boolean routed;
    /** This connection in the frontend's {@code concurrent} limits; closed when it ends. */
    private FrontendLimits.Ticket limitTicket = FrontendLimits.Ticket.NONE;

    private LiveBackend backend;
    /** Made once the connection is routed. */
    private ServerDialer dialer;
    private long serverTimeoutNanos;

    private Channel server;
    private LiveServer serverInUse;
    private boolean connected;
    /** Client bytes read before the server connection was ready; sent first, in order. Made when needed. */
    private ArrayDeque<ByteBuf> pending;
    /**
     * Bytes of the current read batch of each direction, counted once at its end. One field
     * per direction: under io_uring a read batch of the client can interleave with one of
     * the server (completions come in kernel order), so a shared field mixed the two.
     */
    private int clientBatchBytes;
    /** Of {@link #clientBatchBytes}, those written to the server (not held in {@link #pending}). */
    private int toServerBatchBytes;
    private int fromServerBatchBytes;
    /** A write of this batch went through Netty's outbound buffer (not {@link DirectSend}) and waits for a flush. */
    private boolean serverFlushDue;
    private boolean clientFlushDue;
    private long lastClientActivity;
    private long lastServerActivity;
    private ScheduledFuture<?> timer;
    private boolean clientInputDone;
    private boolean serverInputDone;
    private boolean clientOutputDone;
    private boolean serverOutputDone;

    /**
     * @param waitForFacts route only once the handlers in front tell (PROXY header, SNI, TLS handshake)
     * @param tlsClient    the client connection terminates TLS in front of this handler
     */
    TcpRelayHandler(ConnectionContext cx, boolean waitForFacts, boolean tlsClient) {
        this.cx = cx;
        this.waitForFacts = waitForFacts || tlsClient;
        this.tlsClient = tlsClient;
        this.frontendCounters = cx.frontend().counters();
        this.clientTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(cx.frontend().timeout().client().toMillis());
        this.clientFinNanos = cx.frontend().timeout().clientFin() == null ? 0
                : cx.frontend().timeout().clientFin().toNanos();
    }

    // ---- client events -------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        source = (InetSocketAddress) client.remoteAddress();
        destination = (InetSocketAddress) client.localAddress();
        lastClientActivity = System.nanoTime();
        entry.reset(lastClientActivity);
        entry.destination = destination;
        scheduleTimer(clientTimeoutNanos);
        if (waitForFacts) {
            client.read(); // feed the PROXY header decoder / SNI peek / TLS handshake in front of us
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
        int n = buf.readableBytes();
        clientBatchBytes += n;
        if (!connected) {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(buf);
            return;
        }
        toServerBatchBytes += n;
        serverFlushDue |= DirectSend.sendOrWrite(server, buf);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastClientActivity = System.nanoTime();
        if (clientBatchBytes > 0) {
            frontendCounters.addBytesIn(clientBatchBytes);
            entry.bytesIn += clientBatchBytes;
            clientBatchBytes = 0;
        }
        if (!connected) {
            return;
        }
        if (toServerBatchBytes > 0) {
            backend.counters().addBytesIn(toServerBatchBytes);
            serverInUse.counters().addBytesIn(toServerBatchBytes);
            toServerBatchBytes = 0;
            lastServerActivity = lastClientActivity;
        }
        if (serverFlushDue) {
            serverFlushDue = false;
            server.flush();
        }
        readClientIfServerWritable();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        readServerIfClientWritable();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ProxiedAddresses p) {
            source = p.source();
            destination = p.destination();
            entry.destination = destination;
        } else if (evt == RoutingFactsEvent.Ready.INSTANCE) {
            route();
        } else if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                TlsFacts tls = TlsFacts.of(client);
                sni = tls == null ? null : tls.sni();
                route();
            } else {
                log.debug("{}: TLS handshake with {} failed: {}", cx.describe(), source, e.cause().toString());
                client.close();
            }
        } else if (evt instanceof SslCloseCompletionEvent) {
            clientFinished(); // close_notify: the client sends nothing more
        } else if (evt instanceof SniCompletionEvent e) {
            if (e.isSuccess()) {
                sni = e.hostname();
                route();
            } else {
                log.debug("{}: no usable ClientHello from {}: {}", cx.describe(), source, e.cause().toString());
                client.close();
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            clientFinished();
        }
        ReferenceCountUtil.release(evt);
    }

    private void clientFinished() {
        if (clientInputDone) {
            return;
        }
        clientInputDone = true;
        finTimeoutNow(clientFinNanos);
        if (connected) {
            forwardClientFin();
        } else if (dialer != null && backend.abortOnClose()) {
            // abortonclose: a client that is done sending while it waits for a server
            // (queued or connecting) is dropped at once, as HAProxy does.
            log.debug("{}: {} closed while waiting for a server (abortonclose)", cx.describe(), source);
            client.close();
        }
        closeIfFinished();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        if (clientBatchBytes > 0) {
            frontendCounters.addBytesIn(clientBatchBytes);
            entry.bytesIn += clientBatchBytes;
            clientBatchBytes = 0;
        }
        if (source != null) {
            if (!connected && dialer != null && "--".equals(entry.terminationState)) {
                entry.terminationState = dialer.state() == ServerDialer.State.QUEUED ? "CQ" : "CC";
            }
            AccessLogger.log(entry, source, cx, System.nanoTime());
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        limitTicket.close();
        if (dialer != null) {
            dialer.abort(); // queued or connecting: nothing to wait for any more
        }
        if (server != null) {
            closeAfterWrites(server);
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
        LiveFrontend frontend = cx.frontend();
        Facts facts = new Facts();
        FrontendLimits limits = frontend.limits();
        if (!limits.isEmpty()) {
            // Counted once the client is known (after a PROXY header), before the acls read it.
            InetAddress src = source.getAddress();
            limitTicket = limits.connectionOpened(src);
            limits.requestStarted(src); // a tcp connection is one request
        }
        if (frontend.rules().tcp().rejects(facts)) {
            log.debug("{}: {} rejected by tcp_request", cx.describe(), source);
            frontendCounters.deny();
            client.close();
            return;
        }
        String name = frontend.router().route(facts);
        backend = name == null ? null : cx.generation().backend(name);
        if (backend == null) {
            log.debug("{}: no route for {} (sni {}): closing", cx.describe(), source, sni);
            frontendCounters.deny();
            entry.terminationState = "PR";
            client.close();
            return;
        }
        entry.backend = backend.name();
        dialer = new ServerDialer(client, cx.transport(), this, frontendCounters);
        dialer.dial(backend, source.getAddress().getAddress(), this);
        if (!connected && client.isActive()) {
            // One read while the server connection is made (or waits for a slot): the first
            // bytes wait in `pending`, and a client that leaves meanwhile is noticed and
            // gives its place and slot back. No more is read until connected.
            client.read();
        }
    }

    @Override
    public void initChannel(Channel ch, LiveBackend b, LiveServer s) {
        ChannelPipeline p = ch.pipeline();
        if (b.sendProxy() != SendProxy.NONE) {
            p.addLast("proxy-protocol-encoder", HAProxyMessageEncoder.INSTANCE);
        }
        p.addLast("relay", new ServerSideHandler(this));
    }

    @Override
    public boolean halfClosure() {
        return true;
    }

    @Override
    public void attempting(LiveServer s) {
        entry.server = s.name();
        entry.connectStart = System.nanoTime();
    }

    @Override
    public void failed(DialFailure why) {
        log.debug("{}: {}; closing {}", cx.describe(), why, source);
        entry.queueStart = dialer.queueStart();
        entry.retries = dialer.retries();
        entry.terminationState = why == DialFailure.NO_SERVER ? "SC" : why.terminationState();
        client.close();
    }

    /** The server connection is up (its slot is held until it closes): send what waited, relay from now on. */
    @Override
    public void connected(Channel ch, boolean reused) {
        server = ch;
        serverInUse = dialer.server();
        if (!client.isActive()) {
            // Closing, its channelInactive still to come.
            ch.close();
            dialer.release();
            return;
        }
        connected = true;
        entry.connected = System.nanoTime();
        entry.queueStart = dialer.queueStart();
        entry.queueEnd = dialer.queueEnd();
        entry.retries = dialer.retries();
        serverTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(backend.timeout().server().toMillis());
        serverFinNanos = backend.timeout().serverFin() == null ? 0 : backend.timeout().serverFin().toNanos();
        lastServerActivity = System.nanoTime();
        if (serverTimeoutNanos > 0 && (timer == null || timer.getDelay(TimeUnit.NANOSECONDS) > serverTimeoutNanos)) {
            if (timer != null) {
                timer.cancel(false); // the server's deadline comes first
            }
            scheduleTimer(serverTimeoutNanos);
        }
        if (backend.sendProxy() != SendProxy.NONE) {
            server.write(ProxyHeaders.toServer(backend.sendProxy(), source, destination), server.voidPromise());
        }
        if (pending != null) {
            ByteBuf b;
            while ((b = pending.poll()) != null) {
                int n = b.readableBytes();
                backend.counters().addBytesIn(n);
                serverInUse.counters().addBytesIn(n);
                server.write(b, server.voidPromise());
            }
            pending = null;
        }
        server.flush();
        if (clientInputDone) {
            forwardClientFin();
        } else {
            readClientIfServerWritable();
        }
        server.read();
    }

    // ---- relaying ------------------------------------------------------------------

    private void readClientIfServerWritable() {
        if (connected && !clientInputDone && server.isWritable()) {
            client.read();
        }
    }

    private void readServerIfClientWritable() {
        if (connected && !serverInputDone && client.isWritable()) {
            server.read();
        }
    }

    /** A chunk from the server. */
    void serverRead(ByteBuf buf) {
        fromServerBatchBytes += buf.readableBytes();
        if (tlsClient) {
            client.write(buf, client.voidPromise()); // encrypted by the TLS handler on its way out
            clientFlushDue = true;
        } else {
            clientFlushDue |= DirectSend.sendOrWrite(client, buf);
        }
    }

    /** The end of a read batch from the server: count, flush, read on if the client keeps up. */
    void serverReadComplete() {
        long now = System.nanoTime();
        lastServerActivity = now;
        int n = fromServerBatchBytes;
        if (n > 0) {
            fromServerBatchBytes = 0;
            entry.bytesOut += n;
            lastClientActivity = now;
            frontendCounters.addBytesOut(n);
            backend.counters().addBytesOut(n);
            serverInUse.counters().addBytesOut(n);
        }
        if (clientFlushDue) {
            clientFlushDue = false;
            client.flush();
        }
        readServerIfClientWritable();
    }

    void serverWritabilityChanged() {
        readClientIfServerWritable();
    }

    /** The server sent FIN. */
    void serverInputShutdown() {
        serverInputDone = true;
        finTimeoutNow(serverFinNanos);
        afterWrites(client, () -> {
            if (!client.isActive()) {
                return;
            }
            SslHandler tls = tlsClient ? client.pipeline().get(SslHandler.class) : null;
            if (tls != null) {
                // TLS ends with close_notify, then the FIN; the client may still send (TLS 1.3 half-close).
                tls.closeOutbound().addListener(y -> shutdownClientOutput());
            } else {
                shutdownClientOutput();
            }
        });
    }

    private void shutdownClientOutput() {
        if (client.isActive()) {
            ((DuplexChannel) client).shutdownOutput().addListener(x -> {
                clientOutputDone = true;
                closeIfFinished();
            });
        }
    }

    /** The server connection closed: its slot is free; the client is closed after what was sent to it. */
    void serverClosed() {
        dialer.release();
        log.debug("{}: server {} closed", cx.describe(), serverInUse);
        closeAfterWrites(client);
    }

    private void forwardClientFin() {
        Channel s = server;
        afterWrites(s, () -> {
            if (!s.isActive()) {
                return;
            }
            if (s.pipeline().first() instanceof SslHandler tls) {
                // TLS to the server: close_notify first, then the FIN.
                tls.closeOutbound().addListener(y -> shutdownServerOutput(s));
            } else {
                shutdownServerOutput(s);
            }
        });
    }

    private void shutdownServerOutput(Channel s) {
        if (s.isActive()) {
            ((DuplexChannel) s).shutdownOutput().addListener(x -> {
                serverOutputDone = true;
                closeIfFinished();
            });
        }
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

    /**
     * Runs {@code task} once every write already queued on {@code ch} is done (an empty
     * write completes after them), if they succeeded.
     */
    private static void afterWrites(Channel ch, Runnable task) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(x -> {
            if (x.isSuccess()) {
                task.run();
            }
        });
    }

    /** Closes {@code ch} once its pending writes are done (or failed), so bytes in flight still arrive. */
    private static void closeAfterWrites(Channel ch) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    // ---- timeouts ------------------------------------------------------------------

    /** A side sent its FIN: a shorter *_fin timeout takes effect now (the timer may be set for later). */
    private void finTimeoutNow(long finNanos) {
        if (finNanos > 0 && (timer == null || timer.getDelay(TimeUnit.NANOSECONDS) > finNanos)) {
            if (timer != null) {
                timer.cancel(false);
            }
            scheduleTimer(finNanos);
        }
    }

    private void scheduleTimer(long delayNanos) {
        if (delayNanos > 0 && delayNanos < Long.MAX_VALUE) {
            timer = client.eventLoop().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The tunnel's timer: closes it when a side was inactive for its timeout, else sleeps until the next deadline. */
    @Override
    public void run() {
        timer = null;
        if (!client.isActive()) {
            return;
        }
        long now = System.nanoTime();
        // Once a side sent its FIN, its *_fin timeout (when set) replaces its inactivity timeout.
        long clientTimeout = clientInputDone && clientFinNanos > 0 ? clientFinNanos : clientTimeoutNanos;
        long serverTimeout = serverInputDone && serverFinNanos > 0 ? serverFinNanos : serverTimeoutNanos;
        long clientLeft = clientTimeout > 0 ? lastClientActivity + clientTimeout - now : Long.MAX_VALUE;
        long serverLeft = connected && serverTimeout > 0
                ? lastServerActivity + serverTimeout - now : Long.MAX_VALUE;
        if (clientLeft <= 0) {
            entry.terminationState = connected ? "cD" : "cR";
            closeBoth("client timeout");
        } else if (serverLeft <= 0) {
            entry.terminationState = "sD";
            closeBoth("server timeout");
        } else {
            scheduleTimer(Math.min(clientLeft, serverLeft));
        }
    }

    private void releasePending() {
        if (pending == null) {
            return;
        }
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
        public int sourcePort() {
            return source.getPort();
        }

        @Override
        public int destinationPort() {
            return destination.getPort();
        }

        @Override
        public String sni() {
            return sni;
        }

        /** The handshake's facts when the bind terminates TLS (routing waits for it), else null. */
        @Override
        public TlsFacts tls() {
            return TlsFacts.of(client);
        }
    }
}
