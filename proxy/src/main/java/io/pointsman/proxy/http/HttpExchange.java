package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.pointsman.proxy.config.HttpReuse;
import io.pointsman.proxy.config.RetryOn;
import io.pointsman.proxy.dial.DialFailure;
import io.pointsman.proxy.dial.DialListener;
import io.pointsman.proxy.dial.ServerDialer;
import io.pointsman.proxy.http.wire.HeaderEdits;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.RequestHeadParser;
import io.pointsman.proxy.http.wire.ResponseHead;
import io.pointsman.proxy.http.wire.ResponseHead.ConnectionHeader;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.rules.Answer;
import io.pointsman.proxy.rules.ErrorPages;
import io.pointsman.proxy.rules.RuleContext;
import io.pointsman.proxy.rules.Rules;
import io.pointsman.proxy.rules.Verdict;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveFrontend;
import io.pointsman.proxy.runtime.LiveServer;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on an http-mode client connection and its response: made by the
 * {@link HttpConnectionHandler} when the head arrives, done when the response ends, the
 * client leaves or Pointsman answers itself. Each request is routed and balanced on its
 * own (SPEC §4 "Balancing is per request") and streamed piece by piece to a server
 * connection on the client's event loop; reads on either side are asked for only when the
 * previous write to the other side is done, so a slow reader slows its server instead of
 * filling memory.
 *
 * <p>Its phases, and where HTTP rules (SPEC §8) take part:
 * <ol>
 *   <li>Request, {@link #start}: the frontend's limits count it, its {@code http_request}
 *       rules run, then {@code use_backend} ({@link #route}, which sees what the rules
 *       rewrote), then the backend's {@code http_request} rules, and the head is written
 *       for servers with the rules' edits ({@link #forward}). A rule that answers
 *       (redirect, deny, return, 401) ends the request there: it never reaches a server
 *       ({@link #ruleAnswered}). An {@code auth} rule whose password check runs off the
 *       event loop pauses the exchange until it is back ({@link #waitFor}). A section
 *       without rules costs nothing here: no rule context is begun for it.</li>
 *   <li>Server: once the request is whole or the client's read batch ends (so a head and
 *       its body go out in one flush) the connection's {@link ServerDialer} gets a server
 *       connection, pooled or new, and the head and body are written as they came.</li>
 *   <li>Response, {@link #forwardHead}: the backend's then the frontend's
 *       {@code http_response} rules see the head before it is written; body pieces follow
 *       as they come; at its end the server connection goes back to the pool and the line
 *       is logged ({@link #finish}).</li>
 * </ol>
 * Answered here instead ({@link #answer}): Pointsman's error pages (400, 408, 502, 503,
 * 504) and rules' answers, counted and logged like a server's response.
 */
final class HttpExchange implements DialListener {
    private static final Logger log = LoggerFactory.getLogger(HttpExchange.class);

    private final HttpConnectionHandler conn;
    private final ConnectionContext cx;
    private final Channel client;
    private final ServerDialer dialer;
    /** Null for a refused request or a connection that sent none in time (no request line). */
    private final RequestHead request;
    private final AccessLog.Entry entry;
    private boolean done;

    // ---- rules
    /** The rules' view of this exchange: begun when a section with rules needs it, else null. */
    private RuleContext rules;
    /**
     * A rule's answer, given once the request is read whole (the connection may then go
     * on) or the client's read batch ends without it (the rest of the body never is
     * read: the answer closes the connection), as HAProxy does.
     */
    private Answer ruleAnswer;
    private boolean ruleAnswerDenied;

    // ---- request
    private boolean requestDone;
    /** The request had body bytes or trailers: it cannot be sent a second time. */
    private boolean requestHadBody;
    /** The client speaks HTTP/1.0 (the head itself is sent to servers as HTTP/1.1). */
    private boolean http10Client;
    private boolean upgradeAsked;
    private boolean closeAfterResponse;
    /** The head as it goes to servers, until a server connection takes it. */
    private ByteBuf headOut;
    /** Body pieces read before the server connection was ready; made when needed. */
    private ArrayDeque<ByteBuf> bodyOut;
    /** Routed, and the connect waits for the request's end or the read batch's. */
    private boolean connectPending;

    // ---- server
    private LiveBackend backend;
    /** The server answering: set once connected; its counters see the response while its slot is held. */
    private LiveServer server;
    private Channel serverChannel;
    private ServerResponseHandler serverHandler;
    private boolean connected;
    /** The server connection came from the pool: it may have been closed by the server meanwhile. */
    private boolean reusedConnection;
    /** Written to the server but not flushed yet: flushed once per read batch or message end. */
    private boolean serverFlushPending;
    /**
     * The one buffer written to the server since its last flush, not handed to Netty yet:
     * alone at the flush, it goes out by {@code DirectSend}; a second write sends both
     * through Netty (one writev).
     */
    private ByteBuf serverSingle;

    // ---- response
    /** A head (interim or final) went to the client: the request can no longer be tried again. */
    private boolean clientSawResponse;
    private boolean interimResponse;
    private boolean responseStarted;
    private boolean serverKeepAlive;
    /** The current response is a 101 this proxy agreed to: the connection becomes a tunnel at its end. */
    private boolean tunnelAgreed;

    HttpExchange(HttpConnectionHandler conn, RequestHead request) {
        this.conn = conn;
        this.cx = conn.cx;
        this.client = conn.client;
        this.dialer = conn.dialer;
        this.request = request;
        this.entry = conn.logEntry;
    }

    // ---- request phase -------------------------------------------------------------------

    /** The head arrived: count it, run the frontend's rules, route it and get ready to send it. */
    void start() {
        RequestHead head = request;
        entry.start(head, System.nanoTime());
        http10Client = head.minorVersion() == 0;
        closeAfterResponse = !head.keepAlive();
        upgradeAsked = head.wantsUpgrade();
        LiveFrontend frontend = cx.frontend();
        conn.facts.newRequest();
        FrontendLimits limits = frontend.limits();
        if (!limits.isEmpty()) {
            conn.countConnection(); // if a PROXY header named no client, the connection counts from now
            limits.requestStarted(conn.facts.source()); // before any acl reads it, as HAProxy's track-sc
        }
        Rules frontendRules = frontend.rules().request();
        if (frontendRules.isEmpty()) {
            route();
        } else {
            proceed(frontendRules.evaluate(beginRules()), true);
        }
    }

    /** The rules' view of this request, begun now (with the backend, once it is chosen). */
    private RuleContext beginRules() {
        LiveFrontend frontend = cx.frontend();
        rules = conn.ruleContext().begin(conn.facts, request, frontend.name(), frontend.pages());
        if (backend != null) {
            rules.chooseBackend(backend.name(), backend.pages());
        }
        return rules;
    }

    /**
     * Goes on after a rule set's verdict: to {@link #route} after the frontend's rules, to
     * {@link #forward} after the backend's; or answers; or waits for a password check.
     */
    private void proceed(Verdict v, boolean frontendRules) {
        switch (v.kind()) {
            case CONTINUE -> {
                if (frontendRules) {
                    route();
                } else {
                    forward();
                }
            }
            case ANSWER -> ruleAnswered(v.answer(), v.denied());
            case PENDING -> waitFor(v, frontendRules);
        }
    }

    /**
     * An {@code auth} rule is checking a password on the verifier's thread: nothing of this
     * exchange moves until the check is done and the rules resume on the event loop (body
     * pieces and pipelined requests that arrive meanwhile wait in their queues). A client
     * that leaves meanwhile has everything released by {@link #clientClosed}; the resumed
     * rules then find the exchange done and do nothing.
     */
    private void waitFor(Verdict v, boolean frontendRules) {
        v.future().whenComplete((ignored, error) -> {
            try {
                client.eventLoop().execute(() -> resume(v, frontendRules));
            } catch (RejectedExecutionException stopping) {
                // The proxy is stopping: the connection is closed with its loop.
            }
        });
    }

    private void resume(Verdict v, boolean frontendRules) {
        if (done) {
            return;
        }
        proceed(v.resume(), frontendRules);
        // Outside a client read batch nothing else would: connect now, or answer now (a body
        // not read whole by now closes the connection).
        startPendingConnect();
        giveRuleAnswer();
    }

    /** {@code use_backend} on the request as the frontend's rules left it, then the backend's rules. */
    private void route() {
        RequestHead head = request;
        LiveFrontend frontend = cx.frontend();
        String backendName;
        if (rules != null) {
            backendName = frontend.router().route(rules);
        } else {
            backendName = frontend.router().route(conn.facts.reset(head));
            conn.facts.clear();
        }
        backend = backendName == null ? null : cx.generation().backend(backendName);
        entry.backend = backendName == null ? "<NOSRV>" : backendName;
        if (backend == null) {
            frontend.counters().deny();
            fail(503, "no backend for " + head.method() + " " + head.uri());
            return;
        }
        Rules backendRules = backend.rules().request();
        if (rules != null) {
            rules.chooseBackend(backend.name(), backend.pages());
        }
        if (backendRules.isEmpty()) {
            forward();
        } else {
            proceed(backendRules.evaluate(rules != null ? rules : beginRules()), false);
        }
    }

    /** The head as it goes to servers, with what the rules changed; the connect follows. */
    private void forward() {
        headOut = conn.headForServer(request, backend, rules == null ? null : rules.requestEdits());
        // Connect once the request is whole or the read batch ends, whichever is first: a
        // head and its body then go to the server in one flush (see connected).
        connectPending = true;
    }

    /**
     * A rule answered (redirect, deny, return, 401, or 400 for a rewrite that could not be
     * applied). Given at once when the request is whole, else once it is or at the end of
     * the read batch, whichever is first ({@link #giveRuleAnswer}).
     */
    private void ruleAnswered(Answer answer, boolean denied) {
        ruleAnswer = answer;
        ruleAnswerDenied = denied;
        if (requestDone) {
            giveRuleAnswer();
        }
    }

    /** Gives the rule's answer, if one waits: with keep-alive when the request was read whole. */
    private void giveRuleAnswer() {
        Answer a = ruleAnswer;
        if (a == null) {
            return;
        }
        ruleAnswer = null;
        if (ruleAnswerDenied) {
            cx.frontend().counters().deny();
        }
        // Logged as HAProxy does: a deny (or a 401) was the proxy's refusal, the rest local processing.
        entry.terminationState = ruleAnswerDenied || a.status() == 401 ? "PR" : "LR";
        log.debug("{}: {} {} answered {} by a rule", cx.describe(), request.method(), request.uri(), a.status());
        answer(a, true);
    }

    /** The decoder refused what it read: 400, no request line in the log ({@code PR}). */
    void refuse(String reason) {
        entry.startBad(System.nanoTime());
        cx.frontend().counters().requestError();
        fail(400, reason);
    }

    /** No complete request within {@code timeout http-request}: 408 ({@code cR}). */
    void requestTimedOut() {
        entry.startIdle(System.nanoTime());
        cx.frontend().counters().requestError();
        fail(408, "no complete request in time");
    }

    boolean requestDone() {
        return requestDone;
    }

    /** Body bytes or the request's end. */
    void requestPiece(Object piece) {
        if (piece instanceof ByteBuf body) {
            entry.bytesIn += body.readableBytes();
            requestHadBody |= body.isReadable();
            if (done || ruleAnswer != null) {
                body.release();
            } else if (connected) {
                writeToServer(body);
            } else {
                if (bodyOut == null) {
                    bodyOut = new ArrayDeque<>(4);
                }
                bodyOut.add(body);
            }
        } else if (piece == RequestEnd.INSTANCE) {
            requestDone = true;
            if (ruleAnswer != null) {
                giveRuleAnswer();
            } else if (connected) {
                flushServer(); // the end of a message
            } else {
                startPendingConnect();
            }
        } else {
            ReferenceCountUtil.release(piece);
        }
    }

    /** The client's read batch ended: connect if the request waits for it, flush what was written, or answer. */
    void clientReadComplete() {
        startPendingConnect();
        flushServer();
        giveRuleAnswer();
    }

    private void startPendingConnect() {
        if (connectPending) {
            connectPending = false;
            if (!done && client.isActive()) {
                dialer.dial(backend, conn.sourceBytes, this);
            }
        }
    }

    /** Retirement or the client's FIN: this is the connection's last response. */
    void closeAfterResponse() {
        closeAfterResponse = true;
    }

    /**
     * The client sent its FIN. Mid-request, the request can never be completed: abort it
     * now rather than leave the server waiting for the rest (logged CR). With the request
     * whole, the response is still sent, then the connection closes (HTTP allows a client
     * to close its side and read on) — unless the backend says {@code abortonclose}: then,
     * as HAProxy, a request still waiting for its server is dropped at once: queued (CQ) or
     * connecting (CC) without an answer, waiting for the response head (CH) with a 400.
     */
    void clientFin() {
        if (!requestDone) {
            entry.terminationState = "CR";
            client.close();
            return;
        }
        closeAfterResponse = true;
        if (done || responseStarted || backend == null || !backend.abortOnClose()) {
            return;
        }
        if (connected) {
            entry.terminationState = "CH";
            fail(400, "client closed while waiting for the response (abortonclose)");
        } else {
            entry.terminationState = dialer.state() == ServerDialer.State.QUEUED ? "CQ" : "CC";
            client.close(); // logged by clientClosed, status -1
        }
    }

    /**
     * The body turned out malformed after the head went on: the server connection saw a
     * truncated request and is dropped; the client gets 400 if nothing was sent yet.
     */
    void requestAborted(String reason) {
        entry.terminationState = "CR";
        cx.frontend().counters().requestError();
        fail(400, "request body: " + reason);
    }

    /**
     * The client connection closed mid-exchange: logged like HAProxy does (CR: while sending
     * its request, CH: waiting for the response head, CD: during the response), status -1
     * when nothing was answered yet.
     */
    void clientClosed() {
        if (done) {
            return;
        }
        done = true;
        connectPending = false;
        ruleAnswer = null;
        dialer.abort();
        if (entry.terminationState == null || "--".equals(entry.terminationState)) {
            entry.terminationState = responseStarted ? "CD" : requestDone ? "CH" : "CR";
        }
        if (entry.status == 0) {
            entry.status = -1;
        }
        abandonServer();
        releaseRequestBytes();
        endRules();
        AccessLog.log(entry, conn.source, cx, System.nanoTime());
    }

    // ---- server phase (DialListener) -----------------------------------------------------

    @Override
    public void attempting(LiveServer s) {
        entry.server = s.name();
        entry.connectStart = System.nanoTime();
    }

    @Override
    public void connected(Channel ch, boolean reused) {
        server = dialer.server();
        reusedConnection = reused;
        // The mode's last handler on every server connection (see HttpConnectionHandler.initChannel).
        ServerResponseHandler handler = (ServerResponseHandler) ch.pipeline().last();
        serverChannel = ch;
        serverHandler = handler;
        handler.owner = this;
        connected = true;
        entry.connected = System.nanoTime();
        entry.queueStart = dialer.queueStart();
        entry.queueEnd = dialer.queueEnd();
        entry.retries = dialer.retries();
        handler.decoder.expect("HEAD".equals(request.method()));
        // Written as they came (head, then body pieces): merging them into one full request
        // object cost more (Netty validates a new request line) than the encoder saves.
        ByteBuf head = headOut;
        headOut = null;
        writeToServer(head);
        if (bodyOut != null) {
            ByteBuf b;
            while ((b = bodyOut.poll()) != null) {
                writeToServer(b);
            }
        }
        flushServer();
        if (serverChannel != null) {
            serverChannel.read();
        }
        conn.readClientIfWanted(); // the rest of the body, now that it has somewhere to go
    }

    @Override
    public void failed(DialFailure why) {
        entry.queueStart = dialer.queueStart();
        entry.queueEnd = dialer.queueEnd();
        entry.retries = dialer.retries();
        entry.terminationState = why.terminationState();
        fail(503, switch (why) {
            case NO_SERVER -> "no server of backend '" + backend.name() + "' is up";
            case QUEUE_TIMEOUT -> "queue timeout: every server of backend '" + backend.name() + "' stayed at maxconn";
            case CONNECT_FAILED -> "cannot connect to backend '" + backend.name() + "'";
        });
    }

    /** The server's outbound buffer is under its high water mark: more of the body may be read. */
    boolean serverWritable() {
        return connected && serverChannel.isWritable();
    }

    /**
     * Writes without flushing: the end of a message or of the client's read batch
     * flushes, so a head and its body go out in one writev(2) through Netty, and a lone
     * buffer (a GET's head, one piece of a body) in one send(2) past it.
     */
    private void writeToServer(ByteBuf bytes) {
        if (!serverFlushPending) {
            serverSingle = bytes; // a GET's head: sent alone at the flush
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
        serverChannel.write(bytes, serverChannel.voidPromise());
    }

    private void flushServer() {
        if (serverFlushPending) {
            serverFlushPending = false;
            if (serverChannel != null) {
                serverHandler.touch();
                ByteBuf only = serverSingle;
                if (only != null) {
                    serverSingle = null;
                    if (HttpConnectionHandler.sendNow(serverChannel, only, serverHandler.wire)) {
                        return;
                    }
                    serverChannel.write(only, serverChannel.voidPromise());
                }
                serverChannel.flush();
            }
        }
    }

    // ---- server events (called by ServerResponseHandler on this loop) ------------------

    void serverRead(Channel from, Object msg) {
        if (from != serverChannel) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf body) {
            entry.bytesOut += body.readableBytes();
            conn.writeResponseBody(body);
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

    /** The server took what was queued for it: read more of a request body when the client has it. */
    void serverWritabilityChanged(Channel from) {
        if (from == serverChannel) {
            conn.readClientIfWanted(); // it looks at the server's writability itself
        }
    }

    void serverReadComplete(Channel from) {
        if (from == serverChannel) {
            conn.flushClient();
            readServerIfWanted();
        }
    }

    void readServerIfWanted() {
        if (serverChannel != null && connected && client.isWritable() && serverChannel.isActive()) {
            serverChannel.read();
        }
    }

    void serverClosed(Channel ch) {
        if (ch != serverChannel) {
            return;
        }
        if (!responseStarted && reusedConnection && requestDone && !requestHadBody && entry.status == 0) {
            // A pooled connection the server had closed while idle (the race every
            // keep-alive proxy meets): send the same bodyless request on a new connection.
            log.debug("{}: pooled connection to {} closed under request; resending on a new one", cx.describe(),
                    server);
            detachServer();
            headOut = conn.headForServer(request, backend, rules == null ? null : rules.requestEdits());
            dialer.reconnect();
            return;
        }
        if (!responseStarted && mayRetry(RetryOn.EMPTY_RESPONSE)) {
            retryElsewhere("closed before responding");
            return;
        }
        detachServer();
        countResponseError();
        dialer.release();
        if (!responseStarted) {
            entry.terminationState = "SH";
            fail(502, "server " + server + " closed before responding");
        } else {
            entry.terminationState = "SD";
            client.close();
        }
    }

    void serverTimeout(Channel ch) {
        if (ch != serverChannel) {
            return;
        }
        if (!responseStarted && mayRetry(RetryOn.RESPONSE_TIMEOUT)) {
            retryElsewhere("did not answer in time");
            return;
        }
        entry.terminationState = "sH";
        countResponseError();
        abandonServer();
        if (!responseStarted) {
            fail(504, "server " + server + " did not answer in time");
        } else {
            client.close();
        }
    }

    private void serverFailed(String why) {
        log.debug("{}: {} on {}", cx.describe(), why, server);
        countResponseError();
        if (!responseStarted && mayRetry(RetryOn.JUNK_RESPONSE)) {
            retryElsewhere(why);
            return;
        }
        abandonServer();
        if (!responseStarted) {
            fail(502, why);
        } else {
            client.close();
        }
    }

    // ---- retry_on ------------------------------------------------------------------------

    /**
     * Whether the request may go to another attempt after {@code event} ({@code retry_on}):
     * the backend retries on it, an attempt is left, the request was idempotent and had no
     * body (bodies are not held to be sent twice), and nothing of a response reached the
     * client.
     */
    private boolean mayRetry(int event) {
        return backend.retriesOn(event) && requestDone && !requestHadBody && !clientSawResponse
                && idempotent(request.method()) && dialer.canRetry();
    }

    /** RFC 9110 §9.2.2: sending these twice has the effect of sending them once. */
    private static boolean idempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    /**
     * Gives up this server connection and sends the request on another attempt (another
     * server when {@code redispatch} allows), counted as a retry or redispatch.
     */
    private void retryElsewhere(String why) {
        log.debug("{}: {} {}; trying again", cx.describe(), server, why);
        Channel ch = serverChannel;
        detachServer();
        ch.close();
        server = null;
        headOut = conn.headForServer(request, backend, rules == null ? null : rules.requestEdits());
        dialer.retry(); // gives the slot back; attempting, then connected or failed follow
    }

    // ---- response phase ------------------------------------------------------------------

    /**
     * Runs the backend's, then the frontend's {@code http_response} rules on a final
     * response (not on a 1xx), then decides what the forwarded head says about the
     * connection and writes it: what the rules changed, hop-by-hop headers left out,
     * {@code Connection: close} when this is the connection's last response (the server's
     * close ends the body, the client asked, or the generation was retired),
     * {@code keep-alive} where HTTP/1.0 needs it said. A rule that denies the response
     * replaces it by its error page (502 by default) and the server connection is dropped
     * with the rest of the response.
     */
    private void forwardHead(ResponseHead head) {
        int code = head.status();
        ConnectionHeader connection = ConnectionHeader.NONE;
        boolean dechunk = false;
        HeaderEdits edits = null;
        if (code >= 100 && code < 200 && code != 101) {
            interimResponse = true;
        } else {
            if (backend.retriesOnStatus(code) && mayRetry(RetryOn.statusBit(code))) {
                retryElsewhere("answered " + code);
                return;
            }
            Rules backendRules = backend.rules().response();
            Rules frontendRules = cx.frontend().rules().response();
            if (!backendRules.isEmpty() || !frontendRules.isEmpty()) {
                RuleContext rc = rules != null ? rules : beginRules();
                rc.beginResponse(head, server == null ? null : server.name());
                Verdict v = backendRules.evaluate(rc);
                if (v.kind() == Verdict.Kind.CONTINUE) {
                    v = frontendRules.evaluate(rc);
                }
                if (v.kind() == Verdict.Kind.ANSWER) {
                    log.debug("{}: response {} of {} replaced by {} (http_response)", cx.describe(), code, server,
                            v.answer().status());
                    if (v.denied()) {
                        cx.frontend().counters().deny();
                    }
                    entry.terminationState = "PH";
                    answer(v.answer(), true);
                    return;
                }
                edits = rc.responseEdits();
            }
            responseStarted = true;
            entry.status = code;
            entry.responded = System.nanoTime();
            entry.captureResponse(head, cx.frontend().logging().captures());
            countResponse(code, true);
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
        clientSawResponse = true;
        boolean hold = responseStarted && code != 101;
        ByteBuf out = client.alloc().buffer(head.forwardedSizeBound(edits)
                + (hold ? HttpConnectionHandler.heldBodyRoom() : 0));
        head.writeForClient(out, connection, dechunk, edits);
        conn.writeResponseHead(out, hold);
    }

    private void responseEnded() {
        conn.flushClient();
        if (interimResponse) {
            interimResponse = false; // a 1xx before the final response
            return;
        }
        if (tunnelAgreed) {
            switchToTunnel();
        } else {
            finish();
        }
    }

    /** The response ended: the server connection goes back to the pool, the line is logged, the next request may come. */
    private void finish() {
        done = true;
        Channel used = serverChannel;
        ServerResponseHandler usedHandler = serverHandler;
        detachServer();
        dialer.release();
        if (serverKeepAlive && requestDone && used != null && used.isActive()
                && backend.httpReuse() != HttpReuse.NEVER) {
            ServerConnectionPool.offer(usedHandler);
        } else if (used != null) {
            used.close();
        }
        AccessLog.log(entry, conn.source, cx, System.nanoTime());
        endRules();
        boolean close = closeAfterResponse || !requestDone;
        // Nothing looks at the head after this (routing facts were cleared, the log line is
        // written): its arrays go to the next head parsed on this loop.
        RequestHeadParser.recycle(request);
        conn.exchangeEnded(this, close);
    }

    private void switchToTunnel() {
        done = true;
        Channel upstream = serverChannel;
        detachServer();
        dialer.release();
        AccessLog.log(entry, conn.source, cx, System.nanoTime());
        endRules();
        conn.switchToTunnel(upstream, backend);
    }

    // ---- answered here -----------------------------------------------------------------

    /**
     * Pointsman's own error page for {@code status}: the backend's error file, else the
     * frontend's, else the built-in page (HAProxy's order). It closes the connection.
     */
    private void fail(int status, String reason) {
        log.debug("{}: {} to {}: {}", cx.describe(), status, conn.source, reason);
        answer(page(status), false);
    }

    private Answer page(int status) {
        ErrorPages pages = backend == null ? null : backend.pages();
        return pages != null && pages.hasFile(status) ? pages.page(status) : cx.frontend().pages().page(status);
    }

    /**
     * Answers the request here instead of a server: an error page, or (SPEC §8) a rule's
     * redirect, deny, return or 401. Whatever was under way with a server is given up. The
     * answer is counted on the frontend (and the backend, once chosen) like a server's and
     * logged; {@code http_response} rules do not see it. The connection goes on only when
     * {@code keepAlive} allows, the client did not ask to close, and the request was read
     * whole; otherwise the answer says {@code Connection: close} and the connection closes
     * once it is out. Once a response has started nothing can be answered: the connection
     * is closed.
     */
    void answer(Answer answer, boolean keepAlive) {
        if (done) {
            return;
        }
        ruleAnswer = null;
        connectPending = false;
        dialer.abort();
        abandonServer();
        releaseRequestBytes();
        if (responseStarted || !client.isActive()) {
            client.close(); // logged by clientClosed
            return;
        }
        done = true;
        int code = answer.status();
        responseStarted = true;
        entry.status = code;
        entry.responded = System.nanoTime();
        countResponse(code, false);
        if (entry.server == null) {
            entry.server = "<NOSRV>";
        }
        boolean close = !keepAlive || closeAfterResponse || !requestDone || cx.generation().retired();
        ConnectionHeader connection = close ? ConnectionHeader.CLOSE
                : http10Client ? ConnectionHeader.KEEP_ALIVE : ConnectionHeader.NONE;
        ByteBuf out = client.alloc().buffer(answer.sizeBound());
        answer.writeTo(out, connection, request != null && "HEAD".equals(request.method()));
        AccessLog.log(entry, conn.source, cx, System.nanoTime());
        endRules();
        conn.writeAnswer(out, close);
        if (close) {
            conn.exchangeEndedWithClose(this);
        } else {
            RequestHeadParser.recycle(request);
            conn.exchangeEnded(this, false);
        }
    }

    // ---- counting and cleaning up ------------------------------------------------------

    /** The response's status class on the frontend and backend, and on the server when it answered. */
    private void countResponse(int code, boolean byServer) {
        cx.frontend().counters().response(code);
        if (backend != null) {
            backend.counters().response(code);
        }
        if (byServer && server != null) {
            server.counters().response(code);
        }
    }

    /** eresp on the backend and the server of this exchange. */
    private void countResponseError() {
        if (backend != null) {
            backend.counters().responseError();
        }
        if (server != null) {
            server.counters().responseError();
        }
    }

    /** Stops using the server connection: closes it (a half-done exchange makes it unusable). */
    private void abandonServer() {
        Channel ch = serverChannel;
        detachServer();
        if (ch != null) {
            dialer.release();
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

    /** The rules' view lets go of this exchange's heads. */
    private void endRules() {
        if (rules != null) {
            rules.end();
            rules = null;
        }
    }

    /** Drops what was read of the request and never sent. */
    private void releaseRequestBytes() {
        if (headOut != null) {
            headOut.release();
            headOut = null;
        }
        if (bodyOut != null) {
            ByteBuf b;
            while ((b = bodyOut.poll()) != null) {
                b.release();
            }
        }
    }
}
