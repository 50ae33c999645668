package io.pointsman.proxy.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Names and assembly of the client side of an http-mode connection, so one glance shows
 * what a request goes through.
 */
public final class HttpPipeline {
    /** TLS termination: {@code io.pointsman.proxy.tls.ClientTls} (the SNI handler, then the SslHandler, then its facts). */
    public static final String TLS = io.pointsman.proxy.tls.ClientTls.TLS;
    public static final String PROXY_DECODER = "proxy-protocol-decoder";
    public static final String PROXY_HEADER = "proxy-protocol-header";
    /** Counts bytes in/out (heads included) on both sides; see {@link WireBytes}. */
    public static final String WIRE_BYTES = "wire-bytes";
    /** Splits requests without decoding them into objects: see {@link ClientRequestDecoder}. */
    public static final String REQUEST_DECODER = "http-request-decoder";
    /**
     * Encodes the proxy's own answers (error pages). Forwarded responses are written as
     * bytes from this handler's context, i.e. below it, and never re-encoded.
     */
    public static final String RESPONSE_ENCODER = "http-response-encoder";
    public static final String PROXY = "http-proxy";
    public static final String TUNNEL = "tunnel";
    public static final String TUNNEL_TIMEOUT = "tunnel-timeout";
    /** Server side (requests are written to servers as bytes, no encoder). Splits responses without decoding them: see {@link ServerResponseDecoder}. */
    public static final String RESPONSE_DECODER = "http-response-decoder";
    public static final String SERVER_RESPONSE = "server-response";

    private HttpPipeline() {
    }

    /**
     * Adds the request decoder (which also refuses what SPEC §4 refuses) and the encoder of
     * the proxy's own answers.
     */
    static void addRequestHandling(ChannelPipeline pipeline, HttpLimits limits) {
        pipeline.addLast(REQUEST_DECODER, new ClientRequestDecoder(limits));
        pipeline.addLast(RESPONSE_ENCODER, new HttpResponseEncoder());
    }
}
