package io.pointsman.proxy.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Sits right behind the TLS handler of a client connection. Remembers the server name of
 * the ClientHello; when the handshake succeeds, records the connection's {@link TlsFacts}
 * as its {@link TlsFacts#KEY} attribute, passes the completion event on (tcp mode routes
 * on it) and leaves the pipeline. The name event is not passed on: behind termination the
 * name is a fact of the handshake, not a signal to route before it.
 */
final class TlsFactsHandler extends ChannelInboundHandlerAdapter {
    /** The bind asks for client certificates: only then can there be one to look up. */
    private final boolean clientCertificates;
    private String sni;

    TlsFactsHandler(boolean clientCertificates) {
        this.clientCertificates = clientCertificates;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SniCompletionEvent e) {
            sni = e.hostname() == null ? null : e.hostname().toLowerCase(Locale.ROOT);
            return;
        }
        if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl != null) {
                ctx.channel().attr(TlsFacts.KEY).set(facts(ssl.engine().getSession(), ssl.applicationProtocol()));
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private TlsFacts facts(SSLSession session, String alpn) {
        X509Certificate client = null;
        if (clientCertificates) {
            try {
                Certificate[] peer = session.getPeerCertificates();
                if (peer.length > 0 && peer[0] instanceof X509Certificate x) {
                    client = x;
                }
            } catch (SSLPeerUnverifiedException e) {
                // the client sent no certificate
            }
        }
        String cipher = session.getCipherSuite();
        String openSsl = CipherSuiteConverter.toOpenSsl(cipher, false);
        return new TlsFacts(session.getProtocol(), openSsl != null ? openSsl : cipher, sni, alpn, client, 0);
    }
}
