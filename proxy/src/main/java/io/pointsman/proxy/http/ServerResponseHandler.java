package io.pointsman.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a server connection: hands what {@link ServerResponseDecoder} reads to
 * the client connection that currently uses it ({@link #owner}). While the connection
 * idles in the pool it has no owner, and anything the server sends or an idle timeout
 * closes it.
 */
final class ServerResponseHandler extends ChannelInboundHandlerAdapter {
    final String serverKey;
    /** This connection's decoder, told what each request expects. */
    final ServerResponseDecoder decoder;
    HttpProxyHandler owner;

    ServerResponseHandler(String serverKey, ServerResponseDecoder decoder) {
        this.serverKey = serverKey;
        this.decoder = decoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (owner != null) {
            owner.serverRead(ctx.channel(), msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.serverReadComplete(ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (owner != null) {
                owner.serverTimeout(ctx.channel());
            } else {
                ctx.close();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ServerConnectionPool.remove(serverKey, ctx.channel());
        if (owner != null) {
            owner.serverClosed(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
