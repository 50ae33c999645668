package io.pointsman.proxy.http;

import java.net.InetSocketAddress;

/**
 * User event from {@link ProxyHeaderHandler}: the original client and destination an
 * upstream balancer reported in its PROXY protocol header ({@code accept_proxy}).
 */
record ProxiedAddresses(InetSocketAddress source, InetSocketAddress destination) {
}
