package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.pointsman.proxy.http.wire.ChunkedScanner;
import io.pointsman.proxy.http.wire.MalformedMessageException;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.RequestHeadParser;
import io.pointsman.proxy.http.wire.RequestRefusedException;

/**
 * Splits a client connection's bytes into requests without decoding them into objects:
 * per request a {@link RequestHead} (checked by {@link RequestHeadParser}: every rule of
 * SPEC §4), then the body as it came ({@link ByteBuf} slices, chunked framing included),
 * then {@link RequestEnd}. Pipelined requests follow one another; the proxy queues them.
 *
 * <p>What is refused never reaches a server: a refused head becomes a
 * {@link RejectedRequest} (the proxy answers 400 after the responses to earlier requests,
 * then closes), and the head of a chunked request is held until its first chunk size has
 * been read and found valid, so a bad first chunk is refused the same way. A framing error
 * later in a body, after the head went on, fires {@link RequestAbortedEvent}. After a
 * refusal nothing more is read or passed on.
 *
 * <p>When the connection becomes a tunnel the handler is removed and passes on what it
 * holds (the first bytes of the upgraded protocol).
 */
final class ClientRequestDecoder extends RawSplitter {
    private enum State { HEAD, LENGTH, CHUNKED, REFUSED }

    private final RequestHeadParser parser;
    private final ChunkedScanner chunks = new ChunkedScanner();
    private State state = State.HEAD;
    private long remaining;
    /** A chunked request's head, held until its first chunk size proves valid. */
    private RequestHead heldHead;

    ClientRequestDecoder(HttpLimits limits) {
        this.parser = new RequestHeadParser(limits);
    }

    @Override
    protected boolean keepsRest() {
        return state != State.REFUSED; // an incomplete head, or a held head's first chunk line
    }

    @Override
    protected boolean ignoresInput() {
        return state == State.REFUSED;
    }

    @Override
    protected void split(ChannelHandlerContext ctx, ByteBuf buf) {
        while (!handedOn() && buf.isReadable()) {
            switch (state) {
                case HEAD -> {
                    if (heldHead != null) {
                        if (!releaseHeldHead(ctx, buf)) {
                            return;
                        }
                        continue;
                    }
                    RequestHead head;
                    try {
                        head = parser.parse(buf);
                    } catch (RequestRefusedException e) {
                        refuse(ctx, buf, e.reason());
                        return;
                    }
                    if (head == null) {
                        return;
                    }
                    onHead(ctx, head);
                }
                case LENGTH -> {
                    remaining = passLengthBody(ctx, buf, remaining);
                    if (remaining == 0) {
                        end(ctx);
                    }
                }
                case CHUNKED -> chunked(ctx, buf);
                case REFUSED -> buf.skipBytes(buf.readableBytes());
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private void onHead(ChannelHandlerContext ctx, RequestHead head) {
        if (head.chunked()) {
            chunks.reset();
            if (head.expect100Continue()) {
                state = State.CHUNKED; // the client waits for the 100 before sending any chunk
                ctx.fireChannelRead(head);
            } else {
                heldHead = head;
            }
        } else if (head.contentLength() > 0) {
            remaining = head.contentLength();
            state = State.LENGTH;
            ctx.fireChannelRead(head);
        } else {
            ctx.fireChannelRead(head);
            if (!handedOn()) {
                end(ctx);
            }
        }
    }

    /**
     * Looks at the held head's first chunk size without consuming it: valid and complete,
     * the head goes on and the body is read as usual; invalid, the request is refused with
     * nothing passed on; incomplete, the bytes wait for the next read.
     */
    private boolean releaseHeldHead(ChannelHandlerContext ctx, ByteBuf buf) {
        ChunkedScanner probe = chunks;
        probe.reset();
        int i = buf.readerIndex();
        int to = buf.writerIndex();
        try {
            while (i < to && !probe.lastWasData() && !probe.inTrailers()) {
                i = probe.advance(buf, i, to);
            }
        } catch (MalformedMessageException e) {
            heldHead = null;
            refuse(ctx, buf, "chunked body: " + e.getMessage());
            return false;
        }
        if (!probe.lastWasData() && !probe.inTrailers()) {
            return false; // the first size line is not complete yet
        }
        RequestHead head = heldHead;
        heldHead = null;
        chunks.reset();
        state = State.CHUNKED;
        ctx.fireChannelRead(head);
        return true;
    }

    private void chunked(ChannelHandlerContext ctx, ByteBuf buf) {
        int from = buf.readerIndex();
        int to = buf.writerIndex();
        int i = from;
        try {
            while (i < to && !chunks.done()) {
                i = chunks.advance(buf, i, to);
            }
        } catch (MalformedMessageException e) {
            if (i > from) {
                ctx.fireChannelRead(buf.readRetainedSlice(i - from));
            }
            state = State.REFUSED;
            buf.skipBytes(buf.readableBytes());
            ctx.fireUserEventTriggered(new RequestAbortedEvent("chunked body: " + e.getMessage()));
            return;
        }
        ctx.fireChannelRead(buf.readRetainedSlice(i - from));
        if (!handedOn() && chunks.done()) {
            end(ctx);
        }
    }

    private void end(ChannelHandlerContext ctx) {
        state = State.HEAD;
        ctx.fireChannelRead(RequestEnd.INSTANCE);
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf buf, String reason) {
        state = State.REFUSED;
        buf.skipBytes(buf.readableBytes());
        ctx.fireChannelRead(new RejectedRequest(reason));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (heldHead != null) {
            ctx.read(); // a held head waits for its first chunk line; reads are not automatic
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        heldHead = null;
        super.channelInactive(ctx);
    }
}
