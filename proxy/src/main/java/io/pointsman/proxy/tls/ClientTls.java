package io.pointsman.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;

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
        pipeline.addLast(TLS, new TerminationHandler(termination,
                handshakeTimeoutMillis > 0 ? handshakeTimeoutMillis : DEFAULT_HANDSHAKE_TIMEOUT_MILLIS));
        pipeline.addLast(FACTS, new TlsFactsHandler(termination.asksClientCertificates()));
    }

    /** Netty's SNI handler, with what a context alone cannot say set on each connection's engine. */
    private static final class TerminationHandler extends SniHandler {
        private final boolean tickets;

        TerminationHandler(TlsTermination termination, long handshakeTimeoutMillis) {
            super(termination, MAX_CLIENT_HELLO, handshakeTimeoutMillis);
            this.tickets = termination.tickets();
        }

        @Override
        protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
            SslHandler h = super.newSslHandler(context, allocator);
            if (!tickets && h.engine() instanceof ReferenceCountedOpenSslEngine e) {
                // Netty turns tickets on per engine for TLS 1.3 (BoringSSL resumes TLS 1.3 with
                // tickets only); tickets: false means none, in any version.
                SSL.setOptions(e.sslPointer(), SSL.SSL_OP_NO_TICKET);
            }
            return h;
        }
    }

    /** Whether {@code client} terminates TLS (its bytes pass an {@link SslHandler}, never past it). */
    public static boolean on(Channel client) {
        return client.pipeline().get(SniHandler.class) != null || client.pipeline().get(SslHandler.class) != null;
    }
}
