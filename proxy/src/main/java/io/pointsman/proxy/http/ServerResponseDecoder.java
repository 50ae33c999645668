package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.pointsman.proxy.http.wire.ChunkedScanner;
import io.pointsman.proxy.http.wire.MalformedMessageException;
import io.pointsman.proxy.http.wire.ResponseHead;
import io.pointsman.proxy.http.wire.ResponseHeadParser;

/**
 * Splits a server connection's bytes into responses without decoding them: per response
 * a {@link ResponseHead} (valid only during that {@code channelRead}), then the body as
 * it came ({@link ByteBuf} slices, chunked framing included), then {@link ResponseEnd}.
 * A response the proxy cannot forward safely becomes one {@link MalformedResponse} and
 * everything after it is dropped (the connection is closed by the proxy).
 *
 * <p>Framing (RFC 9112 §6.3): no body for a response to HEAD, for 1xx, 204 and 304;
 * chunked when Transfer-Encoding says so; else Content-Length; else the body runs to the
 * server's close ({@link ResponseEnd} comes just before {@code channelInactive}). After a
 * 101 the bytes are the upgraded protocol's and are passed on raw; when this handler is
 * removed (the proxy switches to a tunnel) what it holds is passed on too.
 *
 * <p>The proxy says, before each request goes out, whether it is a HEAD ({@link #expect})
 * and, from the head's callback, whether the body must lose its chunked framing for an
 * HTTP/1.0 client ({@link #dechunk}).
 */
final class ServerResponseDecoder extends RawSplitter {
    private enum State { HEAD, LENGTH, CHUNKED, UNTIL_CLOSE, UPGRADED, FAILED }

    private final ResponseHeadParser parser;
    private final ChunkedScanner chunks = new ChunkedScanner();
    private State state = State.HEAD;
    private long remaining;
    private boolean headRequest;
    private boolean dechunk;
    ServerResponseDecoder(HttpLimits limits) {
        this.parser = new ResponseHeadParser(limits.maxInitialLine() + limits.maxHeaderSize());
    }

    /** The next response answers a HEAD request (so it has no body, whatever it says). */
    void expect(boolean head) {
        this.headRequest = head;
    }

    /** The current response's body goes on as its data alone, without chunk framing or trailers. */
    void dechunk(boolean dechunk) {
        this.dechunk = dechunk;
    }

    @Override
    protected boolean keepsRest() {
        return state == State.HEAD; // an incomplete head
    }

    @Override
    protected boolean ignoresInput() {
        return state == State.FAILED;
    }

    @Override
    protected void split(ChannelHandlerContext ctx, ByteBuf buf) {
        try {
            while (!handedOn() && buf.isReadable()) {
                switch (state) {
                    case HEAD -> {
                        ResponseHead head = parser.parse(buf);
                        if (head == null) {
                            return;
                        }
                        onHead(ctx, head);
                    }
                    case LENGTH -> {
                        remaining = passLengthBody(ctx, buf, remaining);
                        if (remaining == 0) {
                            end(ctx, State.HEAD);
                        }
                    }
                    case CHUNKED -> chunked(ctx, buf);
                    case UNTIL_CLOSE, UPGRADED -> ctx.fireChannelRead(buf.readRetainedSlice(buf.readableBytes()));
                    case FAILED -> buf.skipBytes(buf.readableBytes());
                    default -> throw new IllegalStateException(state.name());
                }
            }
        } catch (MalformedMessageException e) {
            state = State.FAILED;
            buf.skipBytes(buf.readableBytes());
            ctx.fireChannelRead(new MalformedResponse(e.getMessage()));
        }
    }

    private void onHead(ChannelHandlerContext ctx, ResponseHead head) {
        int code = head.status();
        dechunk = false;
        ctx.fireChannelRead(head);
        if (handedOn()) {
            return;
        }
        if (code >= 100 && code < 200) {
            end(ctx, code == 101 ? State.UPGRADED : State.HEAD);
        } else if (headRequest || code == 204 || code == 304) {
            end(ctx, State.HEAD);
        } else if (head.chunked()) {
            chunks.reset();
            state = State.CHUNKED;
        } else if (head.contentLengthSet()) {
            remaining = head.contentLength();
            if (remaining == 0) {
                end(ctx, State.HEAD);
            } else {
                state = State.LENGTH;
            }
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    private void chunked(ChannelHandlerContext ctx, ByteBuf buf) {
        int from = buf.readerIndex();
        int to = buf.writerIndex();
        if (dechunk) {
            int i = chunks.advance(buf, from, to);
            if (chunks.lastWasData() && i > from) {
                ctx.fireChannelRead(buf.readRetainedSlice(i - from));
            } else {
                buf.readerIndex(i);
            }
        } else {
            int i = from;
            while (i < to && !chunks.done()) {
                i = chunks.advance(buf, i, to);
            }
            ctx.fireChannelRead(buf.readRetainedSlice(i - from));
        }
        if (!handedOn() && chunks.done()) {
            end(ctx, State.HEAD);
        }
    }

    /** The state is set first: the proxy may send the next request from inside the callback. */
    private void end(ChannelHandlerContext ctx, State next) {
        state = next;
        ctx.fireChannelRead(ResponseEnd.INSTANCE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.UNTIL_CLOSE) {
            end(ctx, State.HEAD); // the close is what ends a body without length or chunks
        }
        super.channelInactive(ctx);
    }
}
