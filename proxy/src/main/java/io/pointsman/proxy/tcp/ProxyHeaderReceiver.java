package io.pointsman.proxy.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;

/**
 * {@code accept_proxy}: takes the {@link HAProxyMessage} that Netty's decoder (just in
 * front) produced from the upstream balancer's PROXY v1/v2 header, reports the original
 * client address to the relay, and steps aside. The decoder removes itself after the
 * header and passes any bytes that followed it on unchanged.
 */
final class ProxyHeaderReceiver extends ChannelInboundHandlerAdapter {
    private final boolean lastStep;

    /** @param lastStep nothing else must be learned before routing (no SNI peek follows) */
    ProxyHeaderReceiver(boolean lastStep) {
        this.lastStep = lastStep;
    }

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
        if (lastStep) {
            ctx.fireUserEventTriggered(RoutingFactsEvent.Ready.INSTANCE);
        } else {
            // The SNI peek needs the ClientHello, which may not have arrived with the header.
            ctx.channel().read();
        }
    }
}
