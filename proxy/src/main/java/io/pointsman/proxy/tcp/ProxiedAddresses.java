package io.pointsman.proxy.tcp;

import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The original client and destination from an upstream balancer's PROXY v1/v2 header
 * ({@code accept_proxy}), sent as a user event to the handler that routes (tcp relay or
 * http proxy) so {@code src} rules, X-Forwarded-For and logs use the real client.
 */
public record ProxiedAddresses(InetSocketAddress source, InetSocketAddress destination) implements RoutingFactsEvent {

    /**
     * The addresses a header carries, or null when it carries none to use: LOCAL (the
     * upstream's own health checks) and UNKNOWN keep the real peer address.
     */
    public static ProxiedAddresses of(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY
                || (header.proxiedProtocol() != HAProxyProxiedProtocol.TCP4
                && header.proxiedProtocol() != HAProxyProxiedProtocol.TCP6)) {
            return null;
        }
        InetAddress src = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        InetAddress dst = NetUtil.createInetAddressFromIpAddressString(header.destinationAddress());
        if (src == null || dst == null) {
            return null;
        }
        return new ProxiedAddresses(new InetSocketAddress(src, header.sourcePort()),
                new InetSocketAddress(dst, header.destinationPort()));
    }
}
