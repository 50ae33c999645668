package io.pointsman.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.FrontendPipeline;

/**
 * The pipeline of a tcp-mode client connection, in the order its bytes meet the handlers.
 * The client and server timeouts are the relay's own timer (no IdleStateHandler).
 */
public final class TcpPipeline implements FrontendPipeline {
    public static final String PROXY_DECODER = "proxy-protocol-decoder";
    public static final String PROXY_HEADER = "proxy-protocol-header";
    public static final String SNI_PEEK = "sni-peek";
    public static final String RELAY = "relay";

    @Override
    public void init(Channel client, ConnectionContext cx) {
        ChannelPipeline p = client.pipeline();
        long clientTimeout = cx.frontend().timeout().client().toMillis();
        boolean acceptProxy = cx.frontend().acceptProxy();
        boolean sni = cx.frontend().router().usesSni() || cx.frontend().rules().tcp().readsSni();
        if (acceptProxy) {
            p.addLast(PROXY_DECODER, new HAProxyMessageDecoder());
            p.addLast(PROXY_HEADER, ProxyHeaderReceiver.forTcp(!sni));
        }
        if (sni) {
            p.addLast(SNI_PEEK, new SniPeekHandler(clientTimeout));
        }
        p.addLast(RELAY, new TcpRelayHandler(cx, acceptProxy || sni));
    }
}
