package io.pointsman.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.FrontendPipeline;
import io.pointsman.proxy.tls.ClientTls;
import io.pointsman.proxy.tls.TlsTermination;

/**
 * The pipeline of a tcp-mode client connection, in the order its bytes meet the handlers:
 * a PROXY protocol header first (as HAProxy's {@code accept-proxy}), then TLS termination
 * when the bind has {@code tls:} (its SNI is read by the handshake), else the SNI peek when
 * an acl routes on it, then the relay. The client and server timeouts are the relay's own
 * timer (no IdleStateHandler).
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
        TlsTermination tls = cx.tls();
        if (acceptProxy) {
            p.addLast(PROXY_DECODER, new HAProxyMessageDecoder());
            p.addLast(PROXY_HEADER, ProxyHeaderReceiver.forTcp(!sni && tls == null));
        }
        if (tls != null) {
            ClientTls.add(p, tls, clientTimeout);
        } else if (sni) {
            p.addLast(SNI_PEEK, new SniPeekHandler(clientTimeout));
        }
        p.addLast(RELAY, new TcpRelayHandler(cx, acceptProxy || sni, tls != null));
    }
}
