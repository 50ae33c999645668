package io.pointsman.proxy.dial;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.RetryOn;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveServer;
import io.pointsman.proxy.runtime.ServerQueue;
import io.pointsman.proxy.runtime.Transport;
import io.pointsman.proxy.stats.Counters;
import io.pointsman.proxy.tls.TlsOrigination;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a client connection its server connections, one dial at a time: pick, wait in the
 * backend queue, connect, retry, redispatch (see the package description). One per client
 * connection, used only on its event loop.
 *
 * <p>A dial: {@link #dial} picks a server of the backend and takes one of its slots; with
 * none free it waits in the backend's queue (requests already waiting go first, as in
 * HAProxy's pending queue) up to {@code timeout.queue}; with no usable server at all it
 * fails at once. It then uses an idle connection the mode offers ({@link ServerSide#idle})
 * or connects a new one. A failed connect is retried while attempts are left (1 +
 * {@code retries}) and {@code retry_on} has {@code conn_failure} (the default); with
 * {@code redispatch} a retry goes to a server not tried yet when there is one. The mode may also ask for another attempt after the connection failed the
 * request ({@link #retry}, http's {@code retry_on}).
 *
 * <p>Counting, as HAProxy does: a failed connect is a connect error of the server and the
 * backend; an attempt after the first is a retry when it goes to the same server and a
 * redispatch when it goes to another, both counted on the server left and on the backend;
 * a dial refused for want of a server (none usable, queue timeout) is denied on the
 * frontend and the backend.
 *
 * <p>TLS to servers (a backend's {@code tls:}): a new connection gets the backend's TLS
 * handler first in its pipeline, and counts as connected once its handshake is done; a
 * handshake that fails (a certificate that does not verify, no protocol in common, the
 * connect timeout) is a failed connect like a refused one: counted, retried, and the end
 * of the dial when no attempt is left ({@code SC}). The connect timeout covers the handshake.
 */
public final class ServerDialer implements ChannelFutureListener, Predicate<LiveServer> {
    private static final Logger log = LoggerFactory.getLogger(ServerDialer.class);
    private static final Predicate<LiveServer> NONE = s -> false;
    /** The name of the TLS handler in a server connection's pipeline (the first). */
    public static final String TLS = "server-tls";

    /** Where a dial is. */
    public enum State {
        /** No dial, or the last one failed, was aborted or released. */
        IDLE,
        /** Waiting in the backend queue for a free slot. */
        QUEUED,
        /** A new connection to {@link #server()} is being opened. */
        CONNECTING,
        /** Connected to {@link #server()}; its slot is held until {@link #release()}. */
        CONNECTED
    }

    private final Channel client;
    private final Transport transport;
    private final ServerSide side;
    private final Counters frontendCounters;

    private DialListener listener;
    private LiveBackend backend;
    private byte[] source;
    private State state = State.IDLE;
    private int attemptsLeft;
    private int retries;
    /** The server of the current attempt; its slot is held while {@link #slotHeld}. */
    private LiveServer server;
    private boolean slotHeld;
    /** The server of the attempt before, whose failure started this one; null on the first. */
    private LiveServer previous;
    /** Servers tried by this dial, made on the first redispatch (the predicate that excludes them is this object). */
    private List<LiveServer> tried;
    private Queued queued;
    private Channel connecting;
    /** Where the current attempt connects (or the idle connection it reuses goes): {@link #target()}. */
    private InetSocketAddress target;
    private long queueStart;
    private long queueEnd;

    /**
     * @param client           the client connection: its event loop runs the dial, and a
     *                         client that is gone makes late connects close at once
     * @param frontendCounters where refusals are counted as denied, beside the backend's
     */
    public ServerDialer(Channel client, Transport transport, ServerSide side, Counters frontendCounters) {
        this.client = client;
        this.transport = transport;
        this.side = side;
        this.frontendCounters = frontendCounters;
    }

    /**
     * Starts getting a connection to a server of {@code backend}. The previous dial must be
     * over (failed, aborted, or connected and {@linkplain #release() released}).
     *
     * @param source the client's address bytes, for balancing on the source
     */
    public void dial(LiveBackend backend, byte[] source, DialListener listener) {
        assert state == State.IDLE && !slotHeld : state;
        this.backend = backend;
        this.source = source;
        this.listener = listener;
        attemptsLeft = 1 + Math.max(0, backend.retries());
        retries = 0;
        server = null;
        previous = null;
        if (tried != null) {
            tried.clear();
        }
        queueStart = 0;
        queueEnd = 0;
        attempt();
    }

    /** Whether an attempt is left for {@link #retry()}. */
    public boolean canRetry() {
        return attemptsLeft > 1;
    }

    /**
     * Another attempt for a request the connection to {@link #server()} failed (http's
     * {@code retry_on}), counted as a retry or redispatch. The caller has given up that
     * connection; its slot is given back here.
     *
     * @return false when no attempt is left (nothing changes then)
     */
    public boolean retry() {
        if (!canRetry()) {
            return false;
        }
        attemptsLeft--;
        releaseSlot();
        state = State.IDLE;
        previous = server;
        attempt();
        return true;
    }

    /**
     * A new connection to the same server, the slot kept and no attempt used: for a pooled
     * connection the server had closed while idle (the race every keep-alive proxy meets).
     */
    public void reconnect() {
        assert slotHeld;
        connect(server);
    }

    /**
     * Stops a dial that is queued or connecting (the client left, or does not want the
     * server any more): the queue entry is dropped, a connect in progress closed and its slot
     * given back. Nothing is heard after it. A connected dial is left as it is ({@link #release()}).
     */
    public void abort() {
        if (queued != null) {
            Queued q = queued;
            queued = null;
            q.waiter.cancel();
        }
        if (connecting != null) {
            Channel c = connecting;
            connecting = null;
            c.close();
            releaseSlot();
        }
        if (state != State.CONNECTED) {
            state = State.IDLE;
        }
    }

    /** The connection's user is done with it: the server's slot is given back. Idempotent. */
    public void release() {
        releaseSlot();
        state = State.IDLE;
        listener = null;
    }

    public State state() {
        return state;
    }

    /** The server of the current (or last) attempt, or null before one. */
    public LiveServer server() {
        return server;
    }

    /**
     * The address the current attempt connects to: the server's address as resolved now,
     * with the client's destination port for a server given without one. A mode keys its
     * idle connections by it ({@link ServerSide#idle}), so a connection made for one port or
     * one resolved address never serves a request meant for another.
     */
    public InetSocketAddress target() {
        return target;
    }

    /** Retries and redispatches of this dial so far. */
    public int retries() {
        return retries;
    }

    /** When this dial started waiting in the queue (nanoTime), 0 when it did not. */
    public long queueStart() {
        return queueStart;
    }

    /** When it left the queue with a slot (nanoTime), 0 when it did not (or has not yet). */
    public long queueEnd() {
        return queueEnd;
    }

    // ---- picking and waiting -------------------------------------------------------

    private void attempt() {
        // Requests already waiting go first (as HAProxy's pending queue): no jumping it.
        if (backend.queue().isEmpty()) {
            LiveServer s = pick();
            if (s != null) {
                use(s);
                return;
            }
        }
        if (!backend.hasUsableServer()) {
            fail(DialFailure.NO_SERVER, "no server of backend '" + backend.name() + "' is up");
            return;
        }
        state = State.QUEUED;
        if (queueStart == 0) {
            queueStart = System.nanoTime();
        }
        Queued q = new Queued();
        queued = q;
        q.waiter = backend.queue().enqueue(client.eventLoop(), q, backend.timeout().queue().toMillis(),
                backend.counters());
    }

    /** A server with its slot taken, or null when no usable server has a free one. */
    private LiveServer pick() {
        if (previous == null) {
            return backend.acquire(source, NONE);
        }
        if (backend.redispatch()) {
            if (tried == null) {
                tried = new ArrayList<>(4);
            }
            if (!tried.contains(previous)) {
                tried.add(previous);
            }
            LiveServer s = backend.acquire(source, this);
            return s != null ? s : backend.acquire(source, NONE);
        }
        return previous.isUp() && previous.tryAcquire() ? previous : null;
    }

    /** Excludes the servers this dial tried already (the balancer's predicate on a redispatch). */
    @Override
    public boolean test(LiveServer s) {
        return tried.contains(s);
    }

    /** The slot of {@code s} is taken: count the attempt, then reuse an idle connection or connect. */
    private void use(LiveServer s) {
        server = s;
        slotHeld = true;
        backend.counters().open();
        if (previous != null) {
            retries++;
            // As HAProxy: on the server left, a retry when it is tried again, else a redispatch.
            if (s == previous) {
                previous.counters().retry();
                backend.counters().retry();
            } else {
                previous.counters().redispatch();
                backend.counters().redispatch();
            }
        }
        listener.attempting(s);
        // A server without a port gets the port the client connected to.
        target = s.addressFor(((InetSocketAddress) client.localAddress()).getPort());
        Channel idle = side.idle(backend, s);
        if (idle != null) {
            state = State.CONNECTED;
            listener.connected(idle, true);
            return;
        }
        connect(s);
    }

    private void connect(LiveServer s) {
        state = State.CONNECTING;
        LiveBackend b = backend;
        TlsOrigination tls = b.tls(s);
        long connectTimeout = b.timeout().connect().toMillis();
        InetSocketAddress to = target;
        ChannelFuture f = new Bootstrap()
                .group(client.eventLoop())
                .channelFactory(transport.connectionsTo(to))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, side.halfClosure())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, b.tcpka())
                .option(ChannelOption.RCVBUF_ALLOCATOR, Transport.RECV_ALLOCATOR)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, b.timeout().connect().toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // TLS below the mode's handlers, first in the pipeline: DirectSend
                        // sends nothing past a pipeline that starts with it.
                        if (tls != null) {
                            ch.pipeline().addLast(TLS, tls.newHandler(ch.alloc(),
                                    new HostPort(s.configuredAddress().host(), to.getPort()),
                                    connectTimeout));
                        }
                        side.initChannel(ch, b, s);
                    }
                })
                .connect(to);
        connecting = f.channel();
        f.addListener(this);
    }

    /** A connect finished. */
    @Override
    public void operationComplete(ChannelFuture f) {
        Channel ch = f.channel();
        if (ch != connecting) {
            return; // aborted meanwhile: abort() closed it and gave the slot back
        }
        if (!f.isSuccess()) {
            connecting = null;
            connectFailed(ch, f.cause());
            return;
        }
        SslHandler tls = (SslHandler) ch.pipeline().get(TLS);
        if (tls == null) {
            connecting = null;
            state = State.CONNECTED;
            server.sessionOpened(ch); // tracked for on_marked_down: shutdown_sessions
            listener.connected(ch, false);
            return;
        }
        // Still connecting (abort() closes it) until the handshake is done.
        tls.handshakeFuture().addListener(new Handshake(ch));
    }

    /** The TLS handshake of a new server connection finished. */
    private final class Handshake implements GenericFutureListener<Future<Channel>> {
        private final Channel ch;

        Handshake(Channel ch) {
            this.ch = ch;
        }

        @Override
        public void operationComplete(Future<Channel> done) {
            if (ch != connecting) {
                return; // aborted meanwhile
            }
            connecting = null;
            if (done.isSuccess()) {
                state = State.CONNECTED;
                listener.connected(ch, false);
            } else {
                connectFailed(ch, done.cause());
            }
        }
    }

    /** A connect (or its TLS handshake) failed: counted, then retried or the dial ends. */
    private void connectFailed(Channel ch, Throwable cause) {
        ch.close();
        releaseSlot();
        LiveServer s = server;
        s.counters().connectError();
        backend.counters().connectError();
        if (--attemptsLeft > 0 && backend.retriesOn(RetryOn.CONN_FAILURE)) {
            log.debug("connect to {} failed ({}); retrying", s, String.valueOf(cause));
            previous = s;
            state = State.IDLE;
            attempt();
        } else {
            log.info("connect to {} failed ({}); no attempts left", s, String.valueOf(cause));
            fail(DialFailure.CONNECT_FAILED, "cannot connect to backend '" + backend.name() + "'");
        }
    }

    private void fail(DialFailure why, String reason) {
        state = State.IDLE;
        if (why != DialFailure.CONNECT_FAILED) {
            frontendCounters.deny();
            backend.counters().deny();
        }
        log.debug("{} (client {})", reason, client.remoteAddress());
        listener.failed(why);
    }

    private void releaseSlot() {
        if (slotHeld) {
            slotHeld = false;
            server.release();
            backend.counters().close();
        }
    }

    /** This dial's place in the backend queue; one per wait, so a late wake-up of an old one does nothing. */
    private final class Queued implements ServerQueue.Attempt {
        private ServerQueue.Waiter waiter;

        @Override
        public boolean retry() {
            if (queued != this) {
                return true; // aborted
            }
            LiveServer s = pick();
            if (s != null) {
                queued = null;
                queueEnd = System.nanoTime();
                use(s);
                return true;
            }
            if (!backend.hasUsableServer()) {
                queued = null;
                fail(DialFailure.NO_SERVER, "no server of backend '" + backend.name() + "' is up");
                return true;
            }
            return false;
        }

        @Override
        public boolean slotFree() {
            return backend.hasFreeSlot();
        }

        @Override
        public void timedOut() {
            if (queued != this) {
                return;
            }
            queued = null;
            fail(DialFailure.QUEUE_TIMEOUT, "queue timeout: every server of backend '" + backend.name()
                    + "' stayed at maxconn");
        }
    }
}
