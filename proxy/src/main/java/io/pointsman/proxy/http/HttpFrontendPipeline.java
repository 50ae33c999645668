package io.pointsman.proxy.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.pointsman.proxy.runtime.ConnectionContext;
import io.pointsman.proxy.runtime.FrontendPipeline;
import io.pointsman.proxy.tcp.ProxyHeaderReceiver;
import io.pointsman.proxy.tls.ClientTls;
import io.pointsman.proxy.tls.TlsTermination;

/**
 * The pipeline of an http-mode client connection: request splitting and checking, then
 * the reverse proxy. Plugged into the runtime for {@code mode: http}.
 */
public final class HttpFrontendPipeline implements FrontendPipeline {
    private final HttpLimits limits;

    public HttpFrontendPipeline() {
        this(HttpLimits.DEFAULT);
    }

    public HttpFrontendPipeline(HttpLimits limits) {
        this.limits = limits;
    }

    @Override
    public void init(Channel client, ConnectionContext context) {
        if (context.frontend().acceptProxy()) {
            client.pipeline().addLast(HttpPipeline.PROXY_DECODER, new HAProxyMessageDecoder());
            client.pipeline().addLast(HttpPipeline.PROXY_HEADER, ProxyHeaderReceiver.forHttp());
        }
        TlsTermination tls = context.tls();
        if (tls != null) {
            ClientTls.add(client.pipeline(), tls, context.frontend().timeout().client().toMillis());
        }
        client.pipeline().addLast(HttpPipeline.WIRE_BYTES, WireBytes.client(context.frontend().counters()));
        HttpPipeline.addRequestHandling(client.pipeline(), limits);
        client.pipeline().addLast(HttpPipeline.PROXY, new HttpConnectionHandler(context, limits));
    }
}
