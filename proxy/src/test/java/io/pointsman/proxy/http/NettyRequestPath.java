package io.pointsman.proxy.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * The request path Pointsman used before requests were read as bytes: Netty's decoder
 * ({@link StrictRequestDecoder}) plus {@link RequestHygiene} on the decoded objects. Kept in
 * the tests as the reference the raw parser ({@code http.wire.RequestHeadParser}) is
 * checked against ({@code RequestHeadNettyAgreementTest}), with its own tests.
 */
public final class NettyRequestPath {
    public static final String HYGIENE = "http-request-hygiene";

    private NettyRequestPath() {
    }

    /** Decoder, encoder and hygiene (answering refused requests itself). */
    public static void addRequestHandling(ChannelPipeline pipeline, HttpLimits limits) {
        pipeline.addLast(HttpPipeline.REQUEST_DECODER, new StrictRequestDecoder(limits));
        pipeline.addLast(HttpPipeline.RESPONSE_ENCODER, new HttpResponseEncoder());
        pipeline.addLast(HYGIENE, new RequestHygiene(true));
    }
}
