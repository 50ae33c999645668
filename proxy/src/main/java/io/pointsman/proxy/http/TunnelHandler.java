package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * One direction of an upgraded (WebSocket) connection: bytes read here are written to
 * the peer, and the next read is asked only once that write is done (backpressure, as in
 * Netty's HexDumpProxy). {@code timeout tunnel} of inactivity on either side closes both.
 *
 * <p>Half closes pass through, as HAProxy's tunnels do: when this side sends its FIN, the
 * peer's output is shut after its pending writes, and this side's inactivity timeout
 * becomes its {@code *_fin} timeout when one is set ({@code client_fin} for the client,
 * {@code server_fin} for the server), so a side that said it is done cannot hold the
 * tunnel for a whole {@code timeout tunnel}. Once both sides have sent their FIN, or
 * either closes, both are closed after their pending writes.
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    /** This side's {@code *_fin} timeout in ms; 0 = none (the tunnel timeout goes on). */
    private final long finTimeoutMillis;

    /**
     * @param peer             the other side of the tunnel
     * @param finTimeoutMillis inactivity allowed on this side once it has sent its FIN; 0 = none
     */
    TunnelHandler(Channel peer, long finTimeoutMillis) {
        this.peer = peer;
        this.finTimeoutMillis = finTimeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!buf.isReadable()) {
            buf.release();
            return;
        }
        peer.writeAndFlush(buf).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                ctx.channel().read();
            } else {
                ctx.channel().close();
                peer.close();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            peer.close();
        } else if (evt == ChannelInputShutdownEvent.INSTANCE) {
            finReceived(ctx);
        }
        ReferenceCountUtil.release(evt);
    }

    /** This side sent its FIN: pass it on, and from now on its {@code *_fin} timeout applies. */
    private void finReceived(ChannelHandlerContext ctx) {
        if (peer instanceof DuplexChannel p && p.isInputShutdown()) {
            // Both sides are done: close once what is in flight is written.
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && peer instanceof DuplexChannel p) {
                p.shutdownOutput();
            }
        });
        if (finTimeoutMillis > 0 && ctx.pipeline().get(HttpPipeline.TUNNEL_TIMEOUT) != null) {
            // A new idle handler: the fin timeout counts from the FIN, as the tcp relay's does.
            ctx.pipeline().replace(HttpPipeline.TUNNEL_TIMEOUT, HttpPipeline.TUNNEL_TIMEOUT,
                    new IdleStateHandler(0, 0, finTimeoutMillis, TimeUnit.MILLISECONDS));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
