package io.pointsman.proxy.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;

/**
 * {@code accept_proxy}, in tcp and http mode: takes the {@link HAProxyMessage} that Netty's
 * decoder (just in front) produced from the upstream balancer's PROXY v1/v2 header, reports
 * the original client as a {@link ProxiedAddresses} event (routing on {@code src},
 * X-Forwarded-For and the logs all use it; LOCAL and UNKNOWN headers keep the real peer),
 * and steps aside. The decoder removes itself after the header and passes any bytes that
 * followed it on unchanged.
 */
public final class ProxyHeaderReceiver extends ChannelInboundHandlerAdapter {
    /** What the pipeline does once the header is in. */
    private enum Next { NOTHING, ROUTE, READ }

    private final Next next;

    private ProxyHeaderReceiver(Next next) {
        this.next = next;
    }

    /** http mode: the request decoder behind it reads on by itself. */
    public static ProxyHeaderReceiver forHttp() {
        return new ProxyHeaderReceiver(Next.NOTHING);
    }

    /** @param lastStep nothing else must be learned before routing (no SNI peek follows) */
    static ProxyHeaderReceiver forTcp(boolean lastStep) {
        return new ProxyHeaderReceiver(lastStep ? Next.ROUTE : Next.READ);
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
        switch (next) {
            case ROUTE -> ctx.fireUserEventTriggered(RoutingFactsEvent.Ready.INSTANCE);
            // The SNI peek needs the ClientHello, which may not have arrived with the header.
            case READ -> ctx.channel().read();
            case NOTHING -> { }
        }
    }
}
