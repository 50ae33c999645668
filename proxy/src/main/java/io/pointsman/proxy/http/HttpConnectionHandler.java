package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.pointsman.proxy.config.HttpReuse;
import io.pointsman.proxy.dial.ServerDialer;
import io.pointsman.proxy.dial.ServerSide;
import io.pointsman.proxy.http.wire.RequestEdits;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.DirectSend;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveServer;
import io.pointsman.proxy.rules.RuleContext;
import io.pointsman.proxy.tcp.ProxiedAddresses;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of an http-mode connection: what lasts from one request to the next.
 * Each request is an {@link HttpExchange}, made when its head arrives and done when its
 * response ends; this handler holds what the exchanges share: the client's addresses, the
 * timer between requests ({@code timeout http-request} for the first, {@code timeout
 * http-keep-alive} after), requests read ahead while one is answered (pipelining), the
 * retirement of the connection when its generation is replaced, the switch to a tunnel
 * after an agreed Upgrade, and the writes to the client (one flush per read batch or
 * response end).
 *
 * <p>Reads on the client are asked for only when what was read before has been passed on:
 * that, and the same rule on the server side (see {@link HttpExchange}), is all the
 * backpressure there is.
 *
 * <p>HTTP rules (SPEC §8): the connection's facts ({@link HttpRequestFacts}) are what acls
 * read of the client; a frontend or backend with rules gets a {@link RuleContext}, made
 * once per connection when first needed (never for a frontend whose sections have none);
 * the frontend's {@code concurrent} limits count this connection from the time its
 * client is known until it closes.
 *
 * <p>Generations: the connection keeps the generation it was accepted under. When that
 * generation is retired, the next response carries {@code Connection: close} and the
 * connection closes after it; an idle keep-alive connection is left alone.
 *
 * <p>Everything runs on the client's event loop; server connections share it.
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter implements ServerSide {
    private static final Logger log = LoggerFactory.getLogger(HttpConnectionHandler.class);
    /** Room left behind a forwarded head for a body read with it (see {@link #heldHead}). */
    private static final int SMALL_BODY = 512;
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final ConnectionContext cx;
    private final HttpLimits limits;
    private final String scheme;
    /**
     * A plaintext client (no TLS below {@link #rawOut}): a response that is one buffer goes
     * out by {@link DirectSend}, counted by {@link #clientWire} as its write would have been.
     */
    private final boolean plainClient;

    Channel client;
    /**
     * Where forwarded responses are written: the context of the response encoder, so
     * their bytes go below it (counted, encrypted) without being encoded again.
     */
    private ChannelHandlerContext rawOut;
    private WireBytes clientWire;
    InetSocketAddress source;
    /** {@code source}'s address bytes, for balancing on the source (kept: getAddress() copies). */
    byte[] sourceBytes;
    InetSocketAddress destination;
    /** {@code destination} as a Host value, made when first needed. */
    private String hostIfMissing;
    /** The client's address as {@code forwardfor} adds it; null when nothing is added (off, or {@code except}). */
    private String forwardedFor;
    /** What acls know of this connection (and of a request routed without rules). */
    HttpRequestFacts facts;
    /** The exchanges' view for rules; made when a section with rules first needs it. */
    private RuleContext ruleContext;
    /** This connection in the frontend's {@code concurrent} limits: counted once, closed when it ends. */
    private FrontendLimits.Ticket limitTicket;
    /** The access-log line of the exchange in progress: one per connection, started again by each exchange. */
    final AccessLog.Entry logEntry = new AccessLog.Entry();
    /** Gets each exchange its server connection. */
    ServerDialer dialer;
    /** Requests begun on this connection: the first one gets a server connection of its own ({@code http_reuse: safe}). */
    private int requests;

    /**
     * The idle timer is scheduled once and pushed back lazily: arming sets a deadline, and a
     * timer that fires before its deadline schedules itself again for the rest. A
     * keep-alive connection then costs no timer schedule and cancel per request.
     */
    private ScheduledFuture<?> idleTimer;
    /** When {@link #idleTimer} fires (nanoTime). */
    private long idleTimerAt;
    /** 0: disarmed. */
    private long idleDeadline;
    private boolean idleFirstRequest;
    /** The keep-alive wait passed with responses still unsent: waiting {@code timeout.client} for them to go out. */
    private boolean idleDraining;
    /** Requests decoded while an earlier one is still being answered (pipelining). */
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    /** The request being answered, or null between requests. */
    private HttpExchange exchange;
    private boolean tunnel;
    /** The connection closes after what was written: nothing more is read or answered. */
    private boolean closing;

    /** Written to the client but not flushed yet: flushed once per read batch or response end. */
    private boolean clientFlushPending;
    /**
     * A forwarded response head not written yet: a small body read with it is copied in
     * behind it, so a small response is one buffer and one send(2) rather than a head, a
     * body slice and a writev(2). Written at the latest when the client is flushed.
     */
    private ByteBuf heldHead;

    HttpConnectionHandler(ConnectionContext cx, HttpLimits limits) {
        this.cx = cx;
        this.limits = limits;
        this.scheme = cx.tls() != null ? "https" : "http";
        this.plainClient = cx.tls() == null;
    }

    // ---- client events ---------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        client = ctx.channel();
        rawOut = ctx.pipeline().context(HttpPipeline.RESPONSE_ENCODER);
        clientWire = (WireBytes) ctx.pipeline().get(HttpPipeline.WIRE_BYTES);
        dialer = new ServerDialer(client, cx.transport(), this, cx.frontend().counters());
        facts = new HttpRequestFacts(client, plainClient);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        source = (InetSocketAddress) client.remoteAddress();
        sourceBytes = source.getAddress().getAddress();
        destination = (InetSocketAddress) client.localAddress();
        logEntry.destination = destination;
        clientKnown();
        if (!cx.frontend().acceptProxy()) {
            countConnection();
        }
        armIdleTimer(cx.frontend().timeout().httpRequest().toMillis(), true);
        client.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf || msg instanceof RequestHead || msg == RequestEnd.INSTANCE
                || msg instanceof RejectedRequest) || tunnel || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (exchange != null && exchange.requestDone() || !queued.isEmpty()) {
            queued.add(msg);
            return;
        }
        handleClientObject(msg);
    }

    private void handleClientObject(Object object) {
        if (object instanceof RejectedRequest rejected) {
            // In order: every earlier request has had its response.
            idleDeadline = 0;
            exchange = new HttpExchange(this, null);
            exchange.refuse(rejected.reason());
            return;
        }
        if (exchange == null) {
            if (object instanceof RequestHead head) {
                idleDeadline = 0;
                requests++;
                exchange = new HttpExchange(this, head);
                exchange.start();
            } else {
                ReferenceCountUtil.release(object); // leftover of an exchange that ended early
            }
            return;
        }
        exchange.requestPiece(object);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientReadComplete();
        }
        readClientIfWanted();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RetireConnectionEvent.INSTANCE) {
            if (exchange == null) {
                client.close();
            } else {
                exchange.closeAfterResponse(); // the response head, if not sent yet, says Connection: close
            }
        } else if (evt instanceof ProxiedAddresses proxied) {
            source = proxied.source();
            sourceBytes = source.getAddress().getAddress();
            destination = proxied.destination();
            logEntry.destination = destination;
            hostIfMissing = null;
            clientKnown();
            countConnection();
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // The client sent its FIN: between requests nothing more can come; mid-request,
            // the exchange decides (see HttpExchange.clientFin).
            if (exchange == null) {
                client.close();
            } else {
                exchange.clientFin();
            }
        } else if (evt instanceof RequestAbortedEvent aborted) {
            if (exchange == null) {
                client.close();
            } else {
                exchange.requestAborted(aborted.reason());
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (limitTicket != null) {
            limitTicket.close();
        }
        idleDeadline = 0;
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
        if (exchange != null) {
            exchange.clientClosed();
            exchange = null;
        }
        releaseAll(queued);
        if (heldHead != null) {
            heldHead.release(); // a close mid-response drops unflushed bytes anyway
            heldHead = null;
        }
        ctx.fireChannelInactive();
    }

    /** The client took what was queued for it (or fell behind): read the server again when it can. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.readServerIfWanted(); // it looks at the client's writability itself
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: client {} error: {}", cx.describe(), source, cause.toString());
        ctx.close();
    }

    // ---- between exchanges -------------------------------------------------------------

    /**
     * The exchange is over (its line is logged). Closes the connection once every byte
     * written so far is out, or waits for the next request, taking pipelined ones first.
     */
    void exchangeEnded(HttpExchange ended, boolean close) {
        if (exchange != ended) {
            return;
        }
        exchange = null;
        if (close) {
            closing = true;
            // An empty write completes after every byte written before it.
            rawOut.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            releaseAll(queued);
            return;
        }
        idleDraining = false;
        armIdleTimer(cx.frontend().timeout().httpKeepAlive().toMillis(), false);
        drainQueued();
        if (exchange != null) {
            exchange.clientReadComplete();
        }
        readClientIfWanted();
    }

    /** The exchange answered and the connection closes after that answer: what was read ahead is dropped. */
    void exchangeEndedWithClose(HttpExchange ended) {
        if (exchange == ended) {
            exchange = null;
        }
        closing = true;
        releaseAll(queued);
    }

    /** Hands on what was read ahead (pipelined requests) for as long as it can be taken now. */
    private void drainQueued() {
        while (!queued.isEmpty() && client.isActive() && !tunnel
                && !(exchange != null && exchange.requestDone())) {
            handleClientObject(queued.poll());
        }
    }

    /**
     * Asks the client for more only when what was read so far has been passed on. While a
     * whole request waits for its response, a read stays asked for too: with reads not
     * automatic, a read not asked for at the end of a read batch makes the transport
     * drop its interest in the socket (one {@code epoll_ctl}) and the next ask restores it
     * (another), two system calls per request for nothing. What can arrive meanwhile (a
     * pipelined request, the client's FIN) is one read batch, queued in order; the next
     * read is asked for only once the queue is drained, which bounds it.
     */
    void readClientIfWanted() {
        if (!client.isActive() || tunnel || closing) {
            return;
        }
        HttpExchange ex = exchange;
        if (ex == null || ex.requestDone()) {
            if (queued.isEmpty()) {
                client.read();
            }
            return;
        }
        if (ex.serverWritable()) {
            client.read(); // more of the body: the server keeps up (its outbound buffer is under the high water mark)
        }
    }

    /**
     * The upgraded connection becomes a tunnel: each side's bytes go to the other as they
     * are, {@code timeout tunnel} (the backend's, else the frontend's) closing both when
     * neither moves; a side's FIN is passed on, and then its {@code client_fin} (the
     * frontend's) or {@code server_fin} (the backend's) replaces the tunnel timeout on it.
     */
    void switchToTunnel(Channel upstream, LiveBackend backend) {
        tunnel = true;
        exchange = null;
        releaseAll(queued);
        long tunnelTimeout = backend.timeout().tunnel() != null ? backend.timeout().tunnel().toMillis()
                : cx.frontend().timeout().tunnel().toMillis();
        long serverFin = backend.timeout().serverFin() == null ? 0 : backend.timeout().serverFin().toMillis();
        long clientFin = cx.frontend().timeout().clientFin() == null ? 0 : cx.frontend().timeout().clientFin().toMillis();
        // A server connection is opened without half closes (it is pooled); a tunnel passes them on.
        upstream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelPipeline sp = upstream.pipeline();
        sp.addLast(HttpPipeline.TUNNEL_TIMEOUT, new IdleStateHandler(0, 0, tunnelTimeout, TimeUnit.MILLISECONDS));
        sp.addLast(HttpPipeline.TUNNEL, new TunnelHandler(client, serverFin));
        sp.remove(HttpPipeline.SERVER_RESPONSE);
        ChannelPipeline cp = client.pipeline();
        cp.addLast(HttpPipeline.TUNNEL_TIMEOUT, new IdleStateHandler(0, 0, tunnelTimeout, TimeUnit.MILLISECONDS));
        cp.addLast(HttpPipeline.TUNNEL, new TunnelHandler(upstream, clientFin));
        cp.remove(this);
        cp.remove(HttpPipeline.RESPONSE_ENCODER);
        // The decoders go last, once both sides' encoders are gone: each passes on the bytes it
        // read past the upgrade, and those are written to the other side as they are.
        cp.remove(HttpPipeline.REQUEST_DECODER);
        sp.remove(HttpPipeline.RESPONSE_DECODER);
        upstream.read();
        client.read();
    }

    // ---- what rules and limits see -------------------------------------------------------

    /** The client's addresses are known (at accept, or from a PROXY header): facts and X-Forwarded-For follow them. */
    private void clientKnown() {
        facts.connection(source, destination);
        forwardedFor = cx.frontend().forwarding().forwardedFor(source.getAddress());
    }

    /**
     * Counts this connection in the frontend's {@code concurrent} limits, once: at accept,
     * after the PROXY header with {@code accept_proxy}, at the latest when its first request
     * starts (a PROXY header that named no client).
     */
    void countConnection() {
        if (limitTicket == null) {
            FrontendLimits l = cx.frontend().limits();
            limitTicket = l.isEmpty() ? FrontendLimits.Ticket.NONE : l.connectionOpened(source.getAddress());
        }
    }

    /** The connection's rule context, made on first use. */
    RuleContext ruleContext() {
        if (ruleContext == null) {
            ruleContext = new RuleContext();
        }
        return ruleContext;
    }

    // ---- server connections (ServerSide) -------------------------------------------------

    @Override
    public void initChannel(Channel ch, LiveBackend backend, LiveServer server) {
        ServerResponseHandler handler = new ServerResponseHandler(backend.poolKey(server), dialer.target(),
                new ServerResponseDecoder(limits), backend.timeout().server().toMillis());
        handler.wire = WireBytes.server(backend.counters(), server.counters());
        ChannelPipeline p = ch.pipeline();
        p.addLast(HttpPipeline.WIRE_BYTES, handler.wire);
        p.addLast(HttpPipeline.RESPONSE_DECODER, handler.decoder);
        p.addLast(HttpPipeline.SERVER_RESPONSE, handler);
    }

    /**
     * An idle pooled connection, as {@code http_reuse} allows (HAProxy's http-reuse for
     * HTTP/1.1): never with {@code never}; with {@code safe} not for the connection's first
     * request, which gets a connection of its own; with {@code always} for any request.
     */
    @Override
    public Channel idle(LiveBackend backend, LiveServer server) {
        HttpReuse reuse = backend.httpReuse();
        if (reuse == HttpReuse.NEVER || reuse != HttpReuse.ALWAYS && requests <= 1) {
            return null;
        }
        ServerResponseHandler pooled = ServerConnectionPool.take(client.eventLoop(), backend.poolKey(server),
                dialer.target());
        return pooled == null ? null : pooled.channel();
    }

    // ---- what goes to servers ----------------------------------------------------------

    /**
     * The head as it goes to a server: what {@code http_request} rules changed, hop-by-hop
     * headers left out, X-Forwarded-For (or {@code forwardfor}'s header) and -Proto added
     * as the frontend's {@code forwardfor} says, HTTP/1.1 (so server connections can be
     * pooled; a 1.0 body is always Content-Length-framed, which 1.1 reads the same way)
     * with a Host made up from the address the client reached when a 1.0 request had none.
     * See {@link RequestHead#writeForServer(ByteBuf, RequestEdits, String, String, boolean, String, String)}.
     *
     * @param edits what rules did to the request; null when nothing
     */
    ByteBuf headForServer(RequestHead head, LiveBackend backend, RequestEdits edits) {
        ByteBuf out = client.alloc().buffer(head.length() + (edits == null ? 128 : 512));
        var forwarding = cx.frontend().forwarding();
        head.writeForServer(out, edits, forwardedFor, forwarding.header(), forwarding.ifNone(), scheme,
                hostIfMissing());
        if (backend.httpReuse() == HttpReuse.NEVER && !head.wantsUpgrade()) {
            // option http-server-close: the server is told this connection ends with its
            // response. Written before the head's final blank line.
            out.writerIndex(out.writerIndex() - 2);
            out.writeBytes(CONNECTION_CLOSE);
        }
        return out;
    }

    private String hostIfMissing() {
        if (hostIfMissing == null) {
            hostIfMissing = destination.getHostString() + ":" + destination.getPort();
        }
        return hostIfMissing;
    }

    // ---- what goes to the client -------------------------------------------------------

    /**
     * The proxy's own answer (an error page, a rule's redirect, deny, return or 401), as
     * bytes below the response encoder, after what was written before it; the connection
     * closes once it is out when {@code close}.
     */
    void writeAnswer(ByteBuf answer, boolean close) {
        flushClient();
        if (close) {
            rawOut.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
        } else {
            rawOut.writeAndFlush(answer, rawOut.voidPromise());
        }
    }

    /** A forwarded response head; a small body read with it may join it before it is written ({@link #heldHead}). */
    void writeResponseHead(ByteBuf head, boolean hold) {
        if (hold) {
            heldHead = head;
        } else {
            writeToClient(head);
        }
    }

    /** A piece of a forwarded response body. */
    void writeResponseBody(ByteBuf body) {
        if (heldHead != null) {
            int n = body.readableBytes();
            if (n <= heldHead.writableBytes()) {
                // Copied by the source (address to address): the pooled destination's
                // writeBytes(ByteBuf) would make a ByteBuffer view per call.
                body.getBytes(body.readerIndex(), heldHead, heldHead.writerIndex(), n);
                heldHead.writerIndex(heldHead.writerIndex() + n);
                body.release();
                return;
            }
            ByteBuf head = heldHead;
            heldHead = null;
            writeToClient(head);
        }
        writeToClient(body);
    }

    /** Room to ask for behind a response head that may hold a small body. */
    static int heldBodyRoom() {
        return SMALL_BODY;
    }

    /** Forwarded bytes go out unflushed: the response's end or the read batch's flushes. */
    private void writeToClient(ByteBuf bytes) {
        // No promise per write: a failed write fires exceptionCaught here, which closes the
        // client. Backpressure is the client channel's writability.
        rawOut.write(bytes, rawOut.voidPromise());
        clientFlushPending = true;
    }

    void flushClient() {
        if (heldHead != null) {
            ByteBuf head = heldHead;
            heldHead = null;
            // A response read whole (head and small body in one buffer) and nothing else
            // written in this batch: one send(2), past Netty's outbound path.
            if (!clientFlushPending && plainClient && clientWire != null && sendNow(client, head, clientWire)) {
                return;
            }
            writeToClient(head);
        }
        if (clientFlushPending) {
            clientFlushPending = false;
            client.flush();
        }
    }

    /**
     * {@link DirectSend} of {@code buf} on {@code ch}, its bytes counted as {@code wire}
     * counts a write; false when the caller must write (and flush) what is left of it.
     */
    static boolean sendNow(Channel ch, ByteBuf buf, WireBytes wire) {
        int n = buf.readableBytes();
        boolean all = DirectSend.send(ch, buf);
        wire.countSent(all ? n : n - buf.readableBytes());
        return all;
    }

    // ---- timers ------------------------------------------------------------------------

    /**
     * Between requests: {@code timeout http-request} for the first one (408 when nothing
     * complete arrived), {@code timeout http-keep-alive} for the next ones (a silent close).
     */
    private void armIdleTimer(long millis, boolean firstRequest) {
        long now = System.nanoTime();
        long deadline = now + TimeUnit.MILLISECONDS.toNanos(millis);
        idleDeadline = deadline == 0 ? 1 : deadline;
        idleFirstRequest = firstRequest;
        if (idleTimer != null && idleTimerAt - idleDeadline > 0) {
            // scheduled for later than the new deadline (a shorter timeout): move it forward
            idleTimer.cancel(false);
            idleTimer = null;
        }
        if (idleTimer == null) {
            scheduleIdleTimer(idleDeadline - now);
        }
    }

    private void scheduleIdleTimer(long delayNanos) {
        idleTimerAt = System.nanoTime() + delayNanos;
        idleTimer = client.eventLoop().schedule(this::idleTimerFired, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void idleTimerFired() {
        idleTimer = null;
        if (idleDeadline == 0 || exchange != null || !client.isActive()) {
            return; // disarmed: the next arm schedules again
        }
        long left = idleDeadline - System.nanoTime();
        if (left > 0) {
            scheduleIdleTimer(left);
            return;
        }
        idleDeadline = 0;
        if (idleFirstRequest) {
            exchange = new HttpExchange(this, null);
            exchange.requestTimedOut();
        } else if (outputPending() && !idleDraining) {
            // The last responses are still on their way to a client that reads slowly: the
            // keep-alive wait starts once they are out, and the client gets timeout.client
            // to take them (HAProxy's client timeout while it sends).
            idleDraining = true;
            armIdleTimer(cx.frontend().timeout().client().toMillis(), false);
        } else if (outputPending()) {
            client.close(); // timeout.client: the client took nothing
        } else if (idleDraining) {
            armIdleTimer(cx.frontend().timeout().httpKeepAlive().toMillis(), false);
        } else {
            client.close();
        }
    }

    /** Bytes written to the client that its socket has not taken yet. */
    private boolean outputPending() {
        ChannelOutboundBuffer out = client.unsafe().outboundBuffer();
        return out != null && out.totalPendingWriteBytes() > 0;
    }

    private static void releaseAll(ArrayDeque<?> objects) {
        Object o;
        while ((o = objects.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }
}
