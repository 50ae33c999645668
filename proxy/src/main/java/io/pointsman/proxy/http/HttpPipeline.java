package io.pointsman.proxy.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Names and assembly of the client side of an http-mode connection, so one glance shows
 * what a request goes through.
 */
public final class HttpPipeline {
    public static final String TLS = "tls";
    public static final String PROXY_DECODER = "proxy-protocol-decoder";
    public static final String PROXY_HEADER = "proxy-protocol-header";
    /** Counts bytes in/out (heads included) on both sides; see {@link WireBytes}. */
    public static final String WIRE_BYTES = "wire-bytes";
    public static final String REQUEST_DECODER = "http-request-decoder";
    /**
     * Encodes the proxy's own answers (error pages). Forwarded responses are written as
     * bytes from this handler's context, i.e. below it, and never re-encoded.
     */
    public static final String RESPONSE_ENCODER = "http-response-encoder";
    public static final String HYGIENE = "http-request-hygiene";
    public static final String PROXY = "http-proxy";
    public static final String TUNNEL = "tunnel";
    public static final String TUNNEL_TIMEOUT = "tunnel-timeout";
    /** Server side. */
    public static final String REQUEST_ENCODER = "http-request-encoder";
    /** Splits responses without decoding them: see {@link ServerResponseDecoder}. */
    public static final String RESPONSE_DECODER = "http-response-decoder";
    public static final String SERVER_RESPONSE = "server-response";

    private HttpPipeline() {
    }

    /**
     * Adds the decoder, encoder and request hygiene. We use our own decoder subclass plus
     * Netty's encoder instead of {@code HttpServerCodec} because the codec does not let us
     * replace its decoder.
     */
    public static void addRequestHandling(ChannelPipeline pipeline, HttpLimits limits) {
        addRequestHandling(pipeline, limits, true);
    }

    /** @param hygieneAnswers see {@link RequestHygiene#RequestHygiene(boolean)} */
    static void addRequestHandling(ChannelPipeline pipeline, HttpLimits limits, boolean hygieneAnswers) {
        pipeline.addLast(REQUEST_DECODER, new StrictRequestDecoder(limits));
        pipeline.addLast(RESPONSE_ENCODER, new HttpResponseEncoder());
        pipeline.addLast(HYGIENE, new RequestHygiene(hygieneAnswers));
    }
}
