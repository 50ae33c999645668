package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * What the two message splitters ({@link ClientRequestDecoder}, {@link ServerResponseDecoder})
 * share: bytes in, messages out, with an incomplete head kept for the next read, and, when
 * the handler is removed (the connection becomes a tunnel), what it holds passed on as it is.
 * Unlike Netty's {@code ByteToMessageDecoder} nothing is collected in a list: messages are
 * fired as they are found, and a buffer that ends exactly at a message boundary is never
 * copied.
 */
abstract class RawSplitter extends ChannelInboundHandlerAdapter {
    /** Bytes of an incomplete head, kept for the next read. */
    private ByteBuf cumulation;
    /** The buffer being split; null once handed on (the handler was removed meanwhile). */
    private ByteBuf current;

    /** Splits what {@code buf} holds, firing what it finds; stops once {@link #handedOn()}. */
    protected abstract void split(ChannelHandlerContext ctx, ByteBuf buf);

    /** Bytes left after {@link #split} are an incomplete head to keep (else they are dropped). */
    protected abstract boolean keepsRest();

    /** Input is no longer looked at (after a refusal): reads are released unread. */
    protected abstract boolean ignoresInput();

    /**
     * Passes on as much of a Content-Length body as {@code buf} holds, as a slice; returns
     * how many body bytes are still to come.
     */
    protected static long passLengthBody(ChannelHandlerContext ctx, ByteBuf buf, long remaining) {
        int n = (int) Math.min(remaining, buf.readableBytes());
        ctx.fireChannelRead(buf.readRetainedSlice(n));
        return remaining - n;
    }

    /** True once the handler was removed during {@link #split} and passed its bytes on. */
    protected final boolean handedOn() {
        return current == null;
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (ignoresInput()) {
            in.release();
            return;
        }
        ByteBuf buf = in;
        if (cumulation != null) {
            buf = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
            cumulation = null;
        }
        current = buf;
        try {
            split(ctx, buf);
        } finally {
            if (current != null) {
                current = null;
                if (buf.isReadable() && keepsRest()) {
                    cumulation = buf;
                } else {
                    buf.release();
                }
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public final void handlerRemoved(ChannelHandlerContext ctx) {
        ByteBuf rest = current != null ? current : cumulation;
        current = null;
        cumulation = null;
        if (rest != null) {
            if (rest.isReadable() && !ignoresInput()) {
                ctx.fireChannelRead(rest); // the first bytes of the upgraded protocol
            } else {
                rest.release();
            }
        }
    }
}
