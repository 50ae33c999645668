package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.pointsman.proxy.stats.Counters;

/**
 * Counts the HTTP bytes a connection carries, heads included, as HAProxy's {@code bin} /
 * {@code bout} do: it sits just below the HTTP codec (above TLS, so it counts plaintext)
 * and sees every buffer read and written, also after an Upgrade turned the connection
 * into a tunnel. Counting decoded bodies instead would leave a page of GETs at 0 bytes in.
 */
final class WireBytes extends ChannelDuplexHandler {
    private final Counters[] targets;
    /** Client side: reads are bytes in. Server side: reads (the response) are bytes out. */
    private final boolean readsAreIn;

    private WireBytes(Counters[] targets, boolean readsAreIn) {
        this.targets = targets;
        this.readsAreIn = readsAreIn;
    }

    /** Client side: what the client sends is the frontend's bytes in, what it is sent its bytes out. */
    static WireBytes client(Counters frontend) {
        return new WireBytes(new Counters[] {frontend}, true);
    }

    /**
     * Server side: what we send a server is its (and its backend's) bytes in, what it
     * answers their bytes out (HAProxy's orientation: in = towards the servers).
     */
    static WireBytes server(Counters backend, Counters server) {
        return new WireBytes(new Counters[] {backend, server}, false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            count(buf.readableBytes(), readsAreIn);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            count(buf.readableBytes(), !readsAreIn);
        }
        ctx.write(msg, promise);
    }

    /** Bytes sent on this channel past its pipeline ({@code DirectSend}): counted as a write through here is. */
    void countSent(int n) {
        count(n, !readsAreIn);
    }

    private void count(int n, boolean in) {
        if (n == 0) {
            return;
        }
        for (Counters c : targets) {
            if (in) {
                c.addBytesIn(n);
            } else {
                c.addBytesOut(n);
            }
        }
    }
}
