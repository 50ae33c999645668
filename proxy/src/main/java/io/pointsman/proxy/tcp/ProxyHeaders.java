package io.pointsman.proxy.tcp;

import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.pointsman.proxy.config.SendProxy;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** {@code send_proxy}: the PROXY protocol header a server receives first. */
final class ProxyHeaders {
    private ProxyHeaders() {}

    /**
     * @param source      the client (the original one when it came through accept_proxy)
     * @param destination the address the client connected to
     */
    static HAProxyMessage toServer(SendProxy version, InetSocketAddress source, InetSocketAddress destination) {
        InetAddress s = source.getAddress();
        InetAddress d = destination.getAddress();
        // One family per header: mix v4 and v6 (a dual-stack listener) as IPv4-mapped v6.
        boolean v6 = s instanceof Inet6Address || d instanceof Inet6Address;
        return new HAProxyMessage(
                version == SendProxy.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY,
                v6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4,
                text(s, v6), text(d, v6), source.getPort(), destination.getPort());
    }

    private static String text(InetAddress a, boolean v6) {
        if (v6 && a instanceof Inet4Address) {
            return "::ffff:" + a.getHostAddress();
        }
        return NetUtil.toAddressString(a);
    }
}
