package io.pointsman.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.pointsman.proxy.tcp.ProxiedAddresses;


/**
 * {@code accept_proxy} in http mode: turns the {@link HAProxyMessage} decoded just in
 * front into a {@link ProxiedAddresses} event for the proxy handler (routing on
 * {@code src}, X-Forwarded-For, access log all use the original client), then steps aside.
 * LOCAL and UNKNOWN headers keep the real peer address.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            ProxiedAddresses addresses = ProxiedAddresses.of(header);
            if (addresses != null) {
                ctx.fireUserEventTriggered(addresses);
            }
        } finally {
            header.release();
        }
        ctx.pipeline().remove(this);
    }
}
