package io.pointsman.proxy.http;

import io.pointsman.proxy.tcp.ProxiedAddresses;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.RequestHeadParser;
import io.pointsman.proxy.http.wire.ResponseHead;
import io.pointsman.proxy.http.wire.ResponseHead.ConnectionHeader;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.DirectSend;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveServer;
import io.pointsman.proxy.runtime.ServerQueue;
import io.pointsman.proxy.stats.Counters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The client side of an http-mode connection: one request at a time, each routed and
 * balanced on its own (SPEC §4 "Balancing is per request"), sent over a pooled
 * keep-alive server connection on this client's event loop, request and response
 * streamed piece by piece. Reads on either side are asked for only when the previous
 * write to the other side is done: that is all the backpressure there is, and a slow
 * reader slows its server instead of filling memory.
 *
 * <p>Generations: the connection keeps the generation it was accepted under. When that
 * generation is retired, the next response carries {@code Connection: close} and the
 * connection closes after it; an idle keep-alive connection is left alone.
 *
 * <p>Everything runs on the client's event loop; server connections share it.
 */
final class HttpProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpProxyHandler.class);
    /** Room left behind a forwarded head for a body read with it (see {@link #heldHead}). */
    private static final int SMALL_BODY = 512;

    private final ConnectionContext cx;
    private final HttpLimits limits;
    private final boolean forwardFor;
    private final String scheme;

    private Channel client;
    /**
     * Where forwarded responses are written: the context of the response encoder, so
     * their bytes go below it (counted, encrypted) without being encoded again.
     */
    private ChannelHandlerContext rawOut;
    /**
     * A plaintext client (no TLS below {@link #rawOut}): a response that is one buffer goes
     * out by {@link DirectSend}, counted by {@link #clientWire} as its write would have been.
     */
    private final boolean plainClient;
    private WireBytes clientWire;
    private InetSocketAddress source;
    /** {@code source}'s address bytes, for balancing on the source (kept: getAddress() copies). */
    private byte[] sourceBytes;
    private InetSocketAddress destination;
    /** {@code destination} as a Host value, made when first needed. */
    private String hostIfMissing;
    private final HttpRequestFacts facts = new HttpRequestFacts();
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
    /** Requests decoded while an earlier one is still being answered (pipelining). */
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private boolean tunnel;

    // ---- the current exchange (request == null: between requests) ----
    private RequestHead request;
    private boolean requestDone;
    /** The client speaks HTTP/1.0 (the head itself is sent to servers as HTTP/1.1). */
    private boolean http10Client;
    private boolean upgradeAsked;
    private boolean closeAfterResponse;
    /** What waits for the server connection: the head's bytes, body pieces, {@link RequestEnd}. */
    private final ArrayDeque<Object> toServer = new ArrayDeque<>();
    /** Written to the server/client but not flushed yet: flushed once per read batch or message end. */
    private boolean serverFlushPending;
    private boolean clientFlushPending;
    /**
     * The one buffer written to the server since its last flush, not handed to Netty yet:
     * alone at the flush, it goes out by {@link DirectSend}; a second write sends both
     * through Netty (one writev).
     */
    private ByteBuf serverSingle;
    /** The request is routed and queued for a server; the connect waits for its end or the read batch's. */
    private boolean connectPending;
    /**
     * A forwarded response head not written yet: a small body read with it is copied in
     * behind it, so a small response is one buffer and one send(2) rather than a head, a
     * body slice and a writev(2). Written at the latest when the client is flushed.
     */
    private ByteBuf heldHead;
    /** The current response is a 101 this proxy agreed to: the connection becomes a tunnel at its end. */
    private boolean tunnelAgreed;

    private LiveBackend backend;
    private LiveServer server;
    private boolean slotHeld;
    private int attemptsLeft;
    /** Servers tried before {@link #lastServer} for this request; allocated only when a request is retried. */
    private Set<LiveServer> tried;
    private LiveServer lastServer;
    private Channel serverChannel;
    private ServerResponseHandler serverHandler;
    private boolean connected;
    /** The server connection came from the pool: it may have been closed by the server meanwhile. */
    private boolean reusedConnection;
    /** The request had body bytes or trailers: it cannot be sent a second time. */
    private boolean requestHadBody;
    private boolean interimResponse;
    private ServerQueue.Waiter waiter;
    private boolean responseStarted;
    private boolean serverKeepAlive;

    private final AccessLog.Entry accessEntry = new AccessLog.Entry();

    HttpProxyHandler(ConnectionContext cx, HttpLimits limits) {
        this.cx = cx;
        this.limits = limits;
        this.forwardFor = Boolean.TRUE.equals(cx.frontend().config().forwardfor());
        this.scheme = cx.tls() != null ? "https" : "http";
        this.plainClient = cx.tls() == null;
    }

    // ---- client events ---------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        client = ctx.channel();
        rawOut = ctx.pipeline().context(HttpPipeline.RESPONSE_ENCODER);
        clientWire = (WireBytes) ctx.pipeline().get(HttpPipeline.WIRE_BYTES);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        source = (InetSocketAddress) client.remoteAddress();
        sourceBytes = source.getAddress().getAddress();
        destination = (InetSocketAddress) client.localAddress();
        armIdleTimer(cx.frontend().timeout().httpRequest().toMillis(), true);
        client.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf || msg instanceof RequestHead || msg == RequestEnd.INSTANCE
                || msg instanceof RejectedRequest) || tunnel) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (request != null && requestDone || !queued.isEmpty()) {
            queued.add(msg);
            return;
        }
        handleClientObject(msg);
    }

    private void handleClientObject(Object object) {
        if (object instanceof RejectedRequest rejected) {
            // In order: every earlier request has had its response.
            cancelTimers();
            responseStarted = false;
            accessEntry.startBad(System.nanoTime());
            cx.frontend().counters().requestError();
            respondError(ErrorPage.BAD_REQUEST, rejected.reason());
            return;
        }
        if (request == null) {
            if (object instanceof RequestHead head) {
                startExchange(head);
            } else {
                ReferenceCountUtil.release(object); // leftover of an exchange that ended early
            }
            return;
        }
        if (object instanceof ByteBuf body) {
            accessEntry.bytesIn += body.readableBytes();
            requestHadBody |= body.isReadable();
        } else if (object == RequestEnd.INSTANCE) {
            requestDone = true;
        }
        if (!connected) {
            toServer.add(object);
            if (requestDone) {
                startPendingConnect();
            }
        } else {
            writeToServer(object);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        startPendingConnect();
        flushServer();
        readClientIfWanted();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RetireConnectionEvent.INSTANCE) {
            if (request == null) {
                client.close();
            } else {
                closeAfterResponse = true; // the response head, if not sent yet, says Connection: close
            }
        } else if (evt instanceof ProxiedAddresses proxied) {
            source = proxied.source();
            sourceBytes = source.getAddress().getAddress();
            destination = proxied.destination();
            hostIfMissing = null;
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // The client sent its FIN. Mid-request, the request can never be completed: abort
            // it now rather than leave the server waiting for the rest (logged CR). With the
            // request whole, HAProxy's default holds (no abortonclose): the response is still
            // sent, then the connection closes. Between requests: nothing more can come.
            if (request == null) {
                client.close();
            } else if (!requestDone) {
                accessEntry.terminationState = "CR";
                client.close();
            } else {
                closeAfterResponse = true;
            }
        } else if (evt instanceof RequestAbortedEvent aborted) {
            // The body turned out malformed after the head went on: the server connection
            // saw a truncated request and is dropped; the client gets 400 if nothing was sent yet.
            accessEntry.terminationState = "CR";
            cx.frontend().counters().requestError();
            respondError(ErrorPage.BAD_REQUEST, "request body: " + aborted.reason());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connectPending = false;
        cancelTimers();
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
        if (waiter != null) {
            waiter.cancel();
            waiter = null;
        }
        if (request != null) {
            // The client left mid-exchange: logged like HAProxy does (CR: while sending its
            // request, CH: waiting for the response head, CD: during the response), status -1
            // when nothing was answered yet.
            if (accessEntry.terminationState == null || "--".equals(accessEntry.terminationState)) {
                accessEntry.terminationState = responseStarted ? "CD" : requestDone ? "CH" : "CR";
            }
            if (accessEntry.status == 0) {
                accessEntry.status = -1;
            }
            abandonServer();
            AccessLog.log(accessEntry, source, cx, System.nanoTime());
        }
        releaseAll(queued);
        releaseAll(toServer);
        if (heldHead != null) {
            heldHead.release(); // a close mid-response drops unflushed bytes anyway
            heldHead = null;
        }
        ctx.fireChannelInactive();
    }

    /** The client took what was queued for it (or fell behind): read the server again when it can. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        readServerIfWanted(); // it looks at the client's writability itself
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: client {} error: {}", cx.describe(), source, cause.toString());
        ctx.close();
    }

    // ---- one exchange ------------------------------------------------------------------

    private void startExchange(RequestHead head) {
        cancelTimers();
        request = head;
        requestDone = false; // RequestEnd follows, right after the head for a bodyless request
        http10Client = head.minorVersion() == 0;
        requestHadBody = false;
        responseStarted = false;
        interimResponse = false;
        connected = false;
        if (tried != null) {
            tried.clear();
        }
        lastServer = null;
        accessEntry.start(head, System.nanoTime());
        tunnelAgreed = false;
        closeAfterResponse = !head.keepAlive();
        upgradeAsked = head.wantsUpgrade();

        String backendName = cx.frontend().router().route(facts.reset(source.getAddress(), destination.getPort(), head));
        facts.clear();
        backend = backendName == null ? null : cx.generation().backend(backendName);
        accessEntry.backend = backendName == null ? "<NOSRV>" : backendName;
        if (backend == null) {
            cx.frontend().counters().deny();
            respondError(ErrorPage.SERVICE_UNAVAILABLE, "no backend for " + head.method() + " " + head.uri());
            return;
        }
        toServer.add(headForServer(head));
        attemptsLeft = 1 + Math.max(0, backend.retries());
        // Connect once the request is whole or the read batch ends, whichever is first: a
        // head and its body then go to the server in one flush (see onConnected).
        connectPending = true;
        if (requestDone) {
            startPendingConnect();
        }
    }

    private void startPendingConnect() {
        if (connectPending) {
            connectPending = false;
            if (request != null && client.isActive()) {
                connect();
            }
        }
    }

    /**
     * The head as it goes to a server: hop-by-hop headers left out, X-Forwarded-For and
     * -Proto added when the frontend says {@code forwardfor}, HTTP/1.1 (so server
     * connections can be pooled; a 1.0 body is always Content-Length-framed, which 1.1
     * reads the same way) with a Host made up from the address the client reached when a
     * 1.0 request had none. See {@link RequestHead#writeForServer}.
     */
    private ByteBuf headForServer(RequestHead head) {
        ByteBuf out = client.alloc().buffer(head.length() + 128);
        head.writeForServer(out, forwardFor ? accessEntry.clientHost(source) : null, scheme, hostIfMissing());
        return out;
    }

    private String hostIfMissing() {
        if (hostIfMissing == null) {
            hostIfMissing = destination.getHostString() + ":" + destination.getPort();
        }
        return hostIfMissing;
    }

    /**
     * Takes a server slot and a pooled or new connection. When every usable server is at
     * its maxconn the request waits in the backend's queue (HAProxy's behaviour) up to
     * {@code timeout.queue}; with no usable server at all it gets 503 at once.
     */
    private void connect() {
        LiveServer s = pick();
        if (s != null) {
            useServer(s);
            return;
        }
        if (!backend.hasUsableServer()) {
            refuseNoServer("no server of backend '" + backend.name() + "' is up");
            return;
        }
        accessEntry.queueStart = System.nanoTime();
        waiter = backend.queue().enqueue(client.eventLoop(), new ServerQueue.Attempt() {
            @Override
            public boolean retry() {
                if (!client.isActive() || request == null) {
                    waiter = null;
                    return true;
                }
                LiveServer next = pick();
                if (next != null) {
                    waiter = null;
                    accessEntry.queueEnd = System.nanoTime();
                    useServer(next);
                    return true;
                }
                if (!backend.hasUsableServer()) {
                    waiter = null;
                    refuseNoServer("no server of backend '" + backend.name() + "' is up");
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
                waiter = null;
                accessEntry.terminationState = "sQ";
                refuseNoServer("queue timeout: every server of backend '" + backend.name() + "' stayed at maxconn");
            }
        }, backend.timeout().queue().toMillis(), backend.counters());
    }

    private void refuseNoServer(String why) {
        backend.counters().deny();
        cx.frontend().counters().deny();
        respondError(ErrorPage.SERVICE_UNAVAILABLE, why);
    }

    private void useServer(LiveServer s) {
        lastServer = s;
        server = s;
        slotHeld = true;
        backend.counters().open();
        accessEntry.server = s.name();
        accessEntry.connectStart = System.nanoTime();
        ServerResponseHandler pooled = ServerConnectionPool.take(client.eventLoop(), s.key());
        if (pooled != null) {
            attach(pooled.channel(), pooled);
            reusedConnection = true;
            onConnected();
            return;
        }
        connectNew(s);
    }

    private void connectNew(LiveServer s) {
        ServerResponseHandler handler = new ServerResponseHandler(s.key(),
                new ServerResponseDecoder(limits), backend.timeout().server().toMillis());
        ChannelFuture f = newConnection(s, handler);
        attach(f.channel(), handler);
        reusedConnection = false;
        f.addListener(x -> onConnect(f, s));
    }

    private LiveServer pick() {
        byte[] address = sourceBytes;
        if (lastServer == null) {
            return backend.acquire(address, x -> false);
        }
        if (backend.redispatch()) {
            if (tried == null) {
                tried = new HashSet<>();
            }
            tried.add(lastServer);
            Set<LiveServer> exclude = tried;
            LiveServer s = backend.acquire(address, exclude::contains);
            return s != null ? s : backend.acquire(address, x -> false);
        }
        return lastServer.isUp() && lastServer.tryAcquire() ? lastServer : null;
    }

    private ChannelFuture newConnection(LiveServer s, ServerResponseHandler handler) {
        Counters backendCounters = backend.counters();
        return new Bootstrap()
                .group(client.eventLoop())
                .channelFactory(cx.transport().connectionsTo(s.address()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, backend.timeout().connect().toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        handler.wire = WireBytes.server(backendCounters, s.counters());
                        p.addLast(HttpPipeline.WIRE_BYTES, handler.wire);
                        p.addLast(HttpPipeline.RESPONSE_DECODER, handler.decoder);
                        p.addLast(HttpPipeline.SERVER_RESPONSE, handler);
                    }
                })
                .connect(s.address());
    }

    /** The handler is passed along: looking it up in the pipeline per request cost a name scan. */
    private void attach(Channel ch, ServerResponseHandler handler) {
        serverChannel = ch;
        serverHandler = handler;
        handler.owner = this;
    }

    private void onConnect(ChannelFuture f, LiveServer s) {
        if (f.channel() != serverChannel) {
            return;
        }
        if (f.isSuccess()) {
            if (!client.isActive()) {
                abandonServer();
                return;
            }
            onConnected();
            return;
        }
        detachServer();
        f.channel().close();
        releaseSlot();
        if (!client.isActive()) {
            return;
        }
        s.counters().connectError();
        backend.counters().connectError();
        attemptsLeft--;
        if (attemptsLeft > 0) {
            log.debug("{}: connect to {} failed ({}); retrying", cx.describe(), s, f.cause().toString());
            backend.counters().retry();
            s.counters().retry();
            accessEntry.retries++;
            connect();
        } else {
            log.info("{}: connect to {} failed ({}); no attempts left", cx.describe(), s, f.cause().toString());
            accessEntry.terminationState = "SC";
            respondError(ErrorPage.SERVICE_UNAVAILABLE, "cannot connect to backend '" + backend.name() + "'");
        }
    }

    private void onConnected() {
        connected = true;
        accessEntry.connected = System.nanoTime();
        serverHandler.decoder.expect("HEAD".equals(request.method()));
        // Written as they came (head, then body pieces): merging them into one full request
        // object cost more (Netty validates a new request line) than the encoder saves.
        while (!toServer.isEmpty()) {
            writeToServer(toServer.poll());
        }
        flushServer();
        if (serverChannel != null) {
            serverChannel.read();
        }
        readClientIfWanted(); // the rest of the body, now that it has somewhere to go
    }

    /**
     * Writes without flushing: the end of a message or of the client's read batch
     * flushes, so a head and its body go out in one writev(2) through Netty, and a lone
     * buffer (a GET's head, one piece of a body) in one send(2) past it.
     */
    private void writeToServer(Object object) {
        if (object == RequestEnd.INSTANCE) {
            flushServer();
            return;
        }
        if (!serverFlushPending && object instanceof ByteBuf only) {
            serverSingle = only; // a GET's head: sent alone at the flush
            serverFlushPending = true;
            return;
        }
        if (serverSingle != null) {
            ByteBuf first = serverSingle;
            serverSingle = null;
            serverChannel.write(first, serverChannel.voidPromise());
        }
        // No promise per write: a failed write fires exceptionCaught on the server channel,
        // which closes it (serverClosed). Backpressure is the channel's writability.
        serverChannel.write(object, serverChannel.voidPromise());
        serverFlushPending = true;
    }

    private void flushServer() {
        if (serverFlushPending) {
            serverFlushPending = false;
            if (serverChannel != null) {
                serverHandler.touch();
                ByteBuf only = serverSingle;
                if (only != null) {
                    serverSingle = null;
                    if (sendNow(serverChannel, only, serverHandler.wire)) {
                        return;
                    }
                    serverChannel.write(only, serverChannel.voidPromise());
                }
                serverChannel.flush();
            }
        }
    }

    private void flushClient() {
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
    private static boolean sendNow(Channel ch, ByteBuf buf, WireBytes wire) {
        int n = buf.readableBytes();
        boolean all = DirectSend.send(ch, buf);
        wire.countSent(all ? n : n - buf.readableBytes());
        return all;
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
    private void readClientIfWanted() {
        if (!client.isActive() || tunnel) {
            return;
        }
        if (request == null || requestDone) {
            if (queued.isEmpty()) {
                client.read();
            }
            return;
        }
        if (connected && serverChannel.isWritable()) {
            client.read(); // more of the body: the server keeps up (its outbound buffer is under the high water mark)
        }
    }

    // ---- server events (called by ServerResponseHandler on this loop) ------------------

    void serverRead(Channel from, Object msg) {
        if (from != serverChannel) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf body) {
            int n = body.readableBytes();
            accessEntry.bytesOut += n;
            if (heldHead != null) {
                if (n <= heldHead.writableBytes()) {
                    // Copied by the source (address to address): the pooled destination's
                    // writeBytes(ByteBuf) would make a ByteBuffer view per call.
                    body.getBytes(body.readerIndex(), heldHead, heldHead.writerIndex(), n);
                    heldHead.writerIndex(heldHead.writerIndex() + n);
                    body.release();
                    return;
                }
                writeHeldHead();
            }
            writeToClient(body);
        } else if (msg instanceof ResponseHead head) {
            forwardHead(head);
        } else if (msg == ResponseEnd.INSTANCE) {
            responseEnded();
        } else if (msg instanceof MalformedResponse bad) {
            serverFailed("invalid response: " + bad.reason());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void writeHeldHead() {
        ByteBuf head = heldHead;
        heldHead = null;
        writeToClient(head);
    }

    /** Forwarded bytes go out unflushed: the response's end or the read batch's flushes. */
    private void writeToClient(ByteBuf bytes) {
        // No promise per write: a failed write fires exceptionCaught here, which closes the
        // client. Backpressure is the client channel's writability.
        rawOut.write(bytes, rawOut.voidPromise());
        clientFlushPending = true;
    }

    private void responseEnded() {
        flushClient();
        if (interimResponse) {
            interimResponse = false; // a 1xx before the final response
            return;
        }
        if (tunnelAgreed) {
            switchToTunnel();
        } else {
            endExchange();
        }
    }

    /**
     * Decides what the forwarded head says about the connection and writes it: hop-by-hop
     * headers left out, {@code Connection: close} when this is the connection's last
     * response (the server's close ends the body, the client asked, or the generation
     * was retired), {@code keep-alive} where HTTP/1.0 needs it said.
     */
    private void forwardHead(ResponseHead head) {
        int code = head.status();
        ConnectionHeader connection = ConnectionHeader.NONE;
        boolean dechunk = false;
        if (code >= 100 && code < 200 && code != 101) {
            interimResponse = true;
        } else {
            responseStarted = true;
            accessEntry.status = code;
            accessEntry.responded = System.nanoTime();
            countResponse(code);
            if (code == 101) {
                serverKeepAlive = false;
                tunnelAgreed = upgradeAsked && head.upgradeToWebsocket();
                if (tunnelAgreed) {
                    connection = ConnectionHeader.UPGRADE;
                } else {
                    closeAfterResponse = true;
                    connection = ConnectionHeader.CLOSE;
                }
            } else {
                serverKeepAlive = head.keepAlive();
                boolean delimitedByClose = !head.contentLengthSet() && !head.chunked()
                        && !"HEAD".equals(request.method()) && code != 204 && code != 304;
                if (delimitedByClose || cx.generation().retired()) {
                    // A retired generation: finish this response, then retire the connection.
                    closeAfterResponse = true;
                }
                if (http10Client && head.chunked()) {
                    // An HTTP/1.0 client cannot read chunks: send the body raw and end it with a close.
                    dechunk = true;
                    closeAfterResponse = true;
                }
                if (closeAfterResponse) {
                    connection = ConnectionHeader.CLOSE;
                } else if (head.minorVersion() == 0 || http10Client) {
                    connection = ConnectionHeader.KEEP_ALIVE;
                }
            }
        }
        serverHandler.decoder.dechunk(dechunk);
        boolean hold = responseStarted && code != 101;
        ByteBuf out = client.alloc().buffer(head.forwardedSizeBound() + (hold ? SMALL_BODY : 0));
        head.writeForClient(out, connection, dechunk);
        if (hold) {
            heldHead = out;
        } else {
            writeToClient(out);
        }
    }

    /** The server took what was queued for it: read more of a request body when the client has it. */
    void serverWritabilityChanged(Channel from) {
        if (from == serverChannel) {
            readClientIfWanted(); // it looks at the server's writability itself
        }
    }

    void serverReadComplete(Channel from) {
        if (from == serverChannel) {
            flushClient();
            readServerIfWanted();
        }
    }

    private void readServerIfWanted() {
        if (serverChannel != null && connected && client.isWritable() && serverChannel.isActive()) {
            serverChannel.read();
        }
    }

    void serverClosed(Channel ch) {
        if (ch != serverChannel) {
            return;
        }
        if (request != null && !responseStarted && reusedConnection && requestDone && !requestHadBody
                && accessEntry.status == 0) {
            // A pooled connection the server had closed while idle (the race every
            // keep-alive proxy meets): send the same bodyless request on a new connection.
            log.debug("{}: pooled connection to {} closed under request; resending on a new one", cx.describe(),
                    server);
            detachServer();
            toServer.add(headForServer(request));
            toServer.add(RequestEnd.INSTANCE);
            connectNew(server);
            return;
        }
        detachServer();
        if (request != null) {
            countResponseError();
        }
        releaseSlot();
        if (request == null) {
            return;
        }
        if (!responseStarted) {
            accessEntry.terminationState = "SH";
            respondError(ErrorPage.BAD_GATEWAY, "server " + server + " closed before responding");
        } else {
            accessEntry.terminationState = "SD";
            client.close();
        }
    }

    void serverTimeout(Channel ch) {
        if (ch != serverChannel) {
            return;
        }
        accessEntry.terminationState = "sH";
        countResponseError();
        if (!responseStarted) {
            abandonServer();
            respondError(ErrorPage.GATEWAY_TIMEOUT, "server " + server + " did not answer in time");
        } else {
            abandonServer();
            client.close();
        }
    }

    private void serverFailed(String why) {
        log.debug("{}: {} on {}", cx.describe(), why, server);
        countResponseError();
        abandonServer();
        if (!responseStarted) {
            respondError(ErrorPage.BAD_GATEWAY, why);
        } else {
            client.close();
        }
    }

    /** The response's status class on the frontend, and on the backend and server when there are some. */
    private void countResponse(int code) {
        cx.frontend().counters().response(code);
        if (backend != null) {
            backend.counters().response(code);
        }
        if (server != null && slotHeld) {
            server.counters().response(code);
        }
    }

    /** eresp on the backend and the server of this exchange (both still set when called). */
    private void countResponseError() {
        if (backend != null) {
            backend.counters().responseError();
        }
        if (server != null) {
            server.counters().responseError();
        }
    }

    // ---- ending an exchange ------------------------------------------------------------

    private void endExchange() {
        Channel used = serverChannel;
        ServerResponseHandler usedHandler = serverHandler;
        detachServer();
        releaseSlot();
        if (serverKeepAlive && requestDone && used != null && used.isActive()) {
            ServerConnectionPool.offer(usedHandler);
        } else if (used != null) {
            used.close();
        }
        AccessLog.log(accessEntry, source, cx, System.nanoTime());
        boolean close = closeAfterResponse || !requestDone;
        // Nothing looks at the head after this (routing facts were cleared, the log line is
        // written): its arrays go to the next head parsed on this loop.
        RequestHeadParser.recycle(request);
        request = null;
        backend = null;
        server = null;
        if (close) {
            // Closed once every byte written so far is out (an empty write completes after them).
            rawOut.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            releaseAll(queued);
            return;
        }
        armIdleTimer(cx.frontend().timeout().httpKeepAlive().toMillis(), false);
        drainQueued();
        startPendingConnect();
        flushServer();
        readClientIfWanted();
    }

    /** Hands on what was read ahead (pipelined requests) for as long as it can be taken now. */
    private void drainQueued() {
        while (!queued.isEmpty() && client.isActive() && !tunnel && !(request != null && requestDone)) {
            handleClientObject(queued.poll());
        }
    }

    private void respondError(ErrorPage page, String reason) {
        connectPending = false;
        log.debug("{}: {} to {}: {}", cx.describe(), page.status().code(), source, reason);
        abandonServer();
        releaseAll(toServer);
        if (responseStarted || !client.isActive()) {
            client.close();
            return;
        }
        responseStarted = true;
        accessEntry.status = page.status().code();
        accessEntry.responded = System.nanoTime();
        countResponse(page.status().code());
        if (accessEntry.server == null) {
            accessEntry.server = "<NOSRV>";
        }
        client.writeAndFlush(page.response(client.alloc())).addListener(ChannelFutureListener.CLOSE);
        AccessLog.log(accessEntry, source, cx, System.nanoTime());
        request = null;
        releaseAll(queued);
    }

    private void switchToTunnel() {
        tunnel = true;
        Channel upstream = serverChannel;
        detachServer();
        releaseSlot();
        AccessLog.log(accessEntry, source, cx, System.nanoTime());
        releaseAll(queued);
        // timeout tunnel (HAProxy's name): an upgraded connection idle both ways this long is closed.
        long tunnelTimeout = backend.timeout().tunnel() != null ? backend.timeout().tunnel().toMillis()
                : cx.frontend().timeout().tunnel().toMillis();
        ChannelPipeline sp = upstream.pipeline();
        sp.addLast(HttpPipeline.TUNNEL_TIMEOUT, new IdleStateHandler(0, 0, tunnelTimeout, TimeUnit.MILLISECONDS));
        sp.addLast(HttpPipeline.TUNNEL, new TunnelHandler(client));
        sp.remove(HttpPipeline.SERVER_RESPONSE);
        ChannelPipeline cp = client.pipeline();
        cp.addLast(HttpPipeline.TUNNEL_TIMEOUT, new IdleStateHandler(0, 0, tunnelTimeout, TimeUnit.MILLISECONDS));
        cp.addLast(HttpPipeline.TUNNEL, new TunnelHandler(upstream));
        cp.remove(this);
        cp.remove(HttpPipeline.RESPONSE_ENCODER);
        // The decoders go last, once both sides' encoders are gone: each passes on the bytes it
        // read past the upgrade, and those are written to the other side as they are.
        cp.remove(HttpPipeline.REQUEST_DECODER);
        sp.remove(HttpPipeline.RESPONSE_DECODER);
        upstream.read();
        client.read();
    }

    /** Stops using the server connection: closes it (a half-done exchange makes it unusable). */
    private void abandonServer() {
        Channel ch = serverChannel;
        detachServer();
        releaseSlot();
        if (ch != null) {
            ch.close();
        }
    }

    private void detachServer() {
        if (serverSingle != null) {
            // Written but not flushed: the exchange on that connection is being given up.
            serverSingle.release();
            serverSingle = null;
            serverFlushPending = false;
        }
        if (serverHandler != null && serverHandler.owner == this) {
            serverHandler.owner = null;
        }
        serverHandler = null;
        serverChannel = null;
        connected = false;
    }

    private void releaseSlot() {
        if (slotHeld) {
            slotHeld = false;
            server.release();
            backend.counters().close();
        }
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
        if (idleDeadline == 0 || request != null || !client.isActive()) {
            return; // disarmed: the next arm schedules again
        }
        long left = idleDeadline - System.nanoTime();
        if (left > 0) {
            scheduleIdleTimer(left);
            return;
        }
        idleDeadline = 0;
        if (idleFirstRequest) {
            accessEntry.startIdle(System.nanoTime());
            cx.frontend().counters().requestError();
            client.writeAndFlush(ErrorPage.REQUEST_TIMEOUT.response(client.alloc()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            client.close();
        }
    }

    /** Disarms the idle timer; a scheduled one stays and finds nothing to do (see {@link #idleTimer}). */
    private void cancelTimers() {
        idleDeadline = 0;
    }

    private static void releaseAll(ArrayDeque<?> objects) {
        Object o;
        while ((o = objects.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }
}
