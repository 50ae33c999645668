package io.pointsman.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;

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
            if (header.command() == HAProxyCommand.PROXY
                    && (header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4
                    || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
                InetAddress src = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
                InetAddress dst = NetUtil.createInetAddressFromIpAddressString(header.destinationAddress());
                if (src != null && dst != null) {
                    ctx.fireUserEventTriggered(new ProxiedAddresses(new InetSocketAddress(src, header.sourcePort()),
                            new InetSocketAddress(dst, header.destinationPort())));
                }
            }
        } finally {
            header.release();
        }
        ctx.pipeline().remove(this);
    }
}
