package io.pointsman.proxy.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslHandler;

/**
 * TLS termination in a client connection's pipeline, the same in tcp and http mode: a
 * {@link SniHandler} that reads the ClientHello, picks the certificate by server name from
 * the bind's {@link TlsTermination} (current at this moment: a reload serves the next
 * handshake) and becomes the {@link SslHandler}; behind it the {@link TlsFactsHandler}.
 * Anything in front (a PROXY protocol header) is read before the handshake, as HAProxy's
 * {@code accept-proxy ssl}.
 */
public final class ClientTls {
    public static final String TLS = "tls";
    public static final String FACTS = "tls-facts";
    /** Bounds what one client can make us buffer before its ClientHello is whole (real ones are a few KiB). */
    static final int MAX_CLIENT_HELLO = 64 * 1024;
    static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private ClientTls() {
    }

    /**
     * Adds the handlers at the end of {@code pipeline}.
     *
     * @param handshakeTimeoutMillis a client that has not finished its handshake by then is
     *                               closed (the frontend's {@code timeout client}); 0 = 10 s
     */
    public static void add(ChannelPipeline pipeline, TlsTermination termination, long handshakeTimeoutMillis) {
        pipeline.addLast(TLS, new SniHandler(termination, MAX_CLIENT_HELLO,
                handshakeTimeoutMillis > 0 ? handshakeTimeoutMillis : DEFAULT_HANDSHAKE_TIMEOUT_MILLIS));
        pipeline.addLast(FACTS, new TlsFactsHandler());
    }

    /** Whether {@code client} terminates TLS (its bytes pass an {@link SslHandler}, never past it). */
    public static boolean on(Channel client) {
        return client.pipeline().get(SniHandler.class) != null || client.pipeline().get(SslHandler.class) != null;
    }
}
