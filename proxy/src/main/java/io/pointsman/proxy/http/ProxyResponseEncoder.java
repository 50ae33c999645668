package io.pointsman.proxy.http;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * The client-side response encoder, told whether the response answers a HEAD request:
 * then it never writes a body or a chunked terminator, whatever framing headers the
 * server sent (Netty's {@code HttpServerCodec} does this by pairing requests itself; we
 * use our own decoder, so the proxy handler tells it).
 */
final class ProxyResponseEncoder extends HttpResponseEncoder {
    private boolean answeringHead;

    void answeringHead(boolean head) {
        this.answeringHead = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return (answeringHead && msg.status().code() >= 200) || super.isContentAlwaysEmpty(msg);
    }
}
