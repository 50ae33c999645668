package io.pointsman.proxy.runtime;

import io.netty.channel.Channel;
import io.pointsman.proxy.config.HostPort;
import java.net.InetSocketAddress;

/**
 * A listening socket for one configured address. Owned by no frontend: at each accept
 * the current generation says which frontend owns {@code bind}, so a swap can hand an
 * address to another frontend without closing the socket.
 *
 * @param address the address actually bound (port 0 resolved to the real port)
 */
public record Listener(HostPort bind, Channel channel, InetSocketAddress address) {
}
